package refresh

import (
	"slices"

	"vodrefresh/handler/change"
	"vodrefresh/handler/config"
)

// Media is a video that a playUrls route refreshes by its ID
// (RefreshMediaPlayUrls), with what the quota counts for it and what
// replaces it when VOD no longer knows the video.
type Media struct {
	ID string
	// Folders are the video's folder on each of the route's URL
	// templates: refreshed as directories instead when VOD answers that
	// the video does not exist (deleted) or cannot be refreshed.
	Folders []string
	// Route is the playUrls route: its formats, definitions and slices,
	// and MediaURLs, what the quota counts.
	Route *config.WebhookRoute
}

// byMedia takes out of items those that a playUrls route refreshes by
// media ID: the folder of a video that is not gone, and a transcoded
// stream; each such video is planned once, as Media. It returns the
// items left, which are planned by path: a deleted video's folder, covers
// and images.
func (c *changePlan) byMedia(items []change.Fields) []change.Fields {
	var left []change.Fields
	for _, it := range items {
		id := it.Media
		if it.VideoID != "" && it.Directory {
			id = it.VideoID
		}
		if id == "" || it.Gone {
			left = append(left, it)
			continue
		}
		c.addMedia(id)
	}
	return left
}

// addMedia plans the video id as Media, once, with its folder on each of
// the route's templates for the fallback; the folders are checked as
// paths the route plans are.
func (c *changePlan) addMedia(id string) {
	if slices.ContainsFunc(c.Plan.Media, func(m Media) bool { return m.ID == id }) {
		return
	}
	folders := &changePlan{RoutePlan: RoutePlan{Plan: &Plan{}}, pl: c.pl, r: c.r}
	folders.fill("urls", c.r.templates, []change.Fields{change.VideoFolder(id)}, c.r.RefreshType(), "")
	c.Outside = append(c.Outside, folders.Outside...)
	c.refused = append(c.refused, folders.refused...)
	c.Notes = append(c.Notes, folders.Notes...)
	c.Plan.addMedia(Media{ID: id, Folders: folders.Directories, Route: c.r.WebhookRoute})
}

// addMedia adds m to the plan, once, unless an earlier attempt of the
// record being planned submitted it, with those of its folders that no
// earlier attempt refreshed in its place.
func (p *Plan) addMedia(m Media) {
	if !p.fresh(m.ID) {
		return
	}
	folders := m.Folders[:0:0]
	for _, f := range m.Folders {
		if p.fresh(f) {
			folders = append(folders, f)
		}
	}
	if slices.ContainsFunc(p.Media, func(o Media) bool { return o.ID == m.ID }) {
		return
	}
	m.Folders = folders
	p.Media = append(p.Media, m)
}

// mediaURLs is what the quota counts for the plan's media.
func (p *Plan) mediaURLs() int {
	n := 0
	for _, m := range p.Media {
		n += m.Route.MediaURLs()
	}
	return n
}

// mediaBatches splits the plan's media into RefreshMediaPlayUrls calls:
// at most MaxMediaBatch IDs each, one route's options per call.
func mediaBatches(media []Media) []Batch {
	var out []Batch
	for i := 0; i < len(media); {
		b := Batch{ObjectType: config.TypeMedia, Route: media[i].Route}
		for ; i < len(media) && media[i].Route == b.Route && len(b.Paths) < MaxMediaBatch; i++ {
			b.Paths = append(b.Paths, media[i].ID)
		}
		b.URLs = len(b.Paths) * b.Route.MediaURLs()
		out = append(out, b)
	}
	return out
}

// MaxMediaBatch is the most media IDs one RefreshMediaPlayUrls call takes.
const MaxMediaBatch = 20
