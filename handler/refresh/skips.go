package refresh

// MaxSkipSample bounds how many skipped records a plan lists one by one;
// the others are only counted, so that an event of any size has a result
// of bounded size.
const MaxSkipSample = 100

// maxSkipReasons bounds how many distinct reasons are counted apart; the
// rest are counted under OtherReasons.
const maxSkipReasons = 20

// OtherReasons counts the skips whose reason came after maxSkipReasons
// others.
const OtherReasons = "other reasons"

// Skips is a bounded account of what a plan skipped: how many, how many for
// each reason, and the first MaxSkipSample, each with its reason.
type Skips struct {
	Sample  []Skip
	Count   int
	Reasons map[string]int
}

// Add accounts for one skip.
func (s *Skips) Add(k Skip) {
	s.Count++
	if len(s.Sample) < MaxSkipSample {
		s.Sample = append(s.Sample, k)
	}
	if s.Reasons == nil {
		s.Reasons = make(map[string]int)
	}
	reason := k.Reason
	if _, ok := s.Reasons[reason]; !ok && len(s.Reasons) >= maxSkipReasons {
		reason = OtherReasons
	}
	s.Reasons[reason]++
}
