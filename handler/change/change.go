// Package change holds what a sender asks to refresh, as neutral values:
// a Change and the Fields of its items, whoever sent it (a CMS's webhook,
// ApsaraVideo VOD's callback or its MNS message). Decoding makes them;
// planning reads them without knowing the sender. It also holds what the
// planner must know of each kind of sender (Kinds): the template fields
// its payloads can fill.
//
// It imports nothing of vodrefresh.
package change

import "slices"

// Fields are the template inputs for one item: {slug}, {id}, {model},
// {locale}, {path}, {tag}, {category}, {author} and {videoId}. Values are
// raw text, not URL-encoded; Path is the decoded path of a URL the CMS sent.
// The planner encodes every value by the one rule it encodes OSS keys with.
type Fields struct {
	Slug, ID, Model, Locale, Path string
	// Tag, Category and Author name one term the content is listed under
	// (its slug): one per Fields, in Change.Related.
	Tag, Category, Author string
	// VideoID is an ApsaraVideo VOD video's ID (32 lower-case hex
	// characters, checked by IsVODID), set only for an item that stands
	// for the video's whole folder.
	VideoID string
	// Directory: the item's URLs are folders, refreshed as Directory
	// whatever the route's objectType (a VOD video's folder).
	Directory bool
	// Stream is the VOD job ID of a transcoded stream that the item is,
	// and JobNamed says whether its file name carries that ID (see
	// SelectStreams).
	Stream   string
	JobNamed bool
	// Media is the ID of the VOD video whose play URL the item is (a
	// transcoded stream); Gone says that the video of a folder item, or
	// some of its streams, were deleted. A playUrls route refreshes a
	// video that is not gone by its ID (RefreshMediaPlayUrls) rather
	// than by these paths.
	Media string
	Gone  bool
	// Fallback, when set, is the item's live URL as the payload implies it
	// without sending it (Ghost's site URL and the slug; a WordPress
	// permalink with the live slug put back). It is refreshed when no URL
	// template of the route fills from the item.
	Fallback string
}

// placeholders are the template fields, in the order Value reads them.
var placeholders = []string{"slug", "id", "model", "locale", "path", "tag", "category", "author", "videoId"}

// Placeholders returns the template fields, in the order Value reads them.
// The slice is the caller's own.
func Placeholders() []string { return slices.Clone(placeholders) }

// Value returns the field that the placeholder name stands for, and whether
// name is a placeholder.
func (f Fields) Value(name string) (string, bool) {
	i := slices.Index(placeholders, name)
	if i < 0 {
		return "", false
	}
	return [...]string{f.Slug, f.ID, f.Model, f.Locale, f.Path, f.Tag, f.Category, f.Author, f.VideoID}[i], true
}

// Change is what a payload asks to refresh.
type Change struct {
	Event string // the sender's event name, e.g. "post.published"
	// URLs are absolute URLs the payload names as the content's own: each
	// is refreshed, and one off the allowlist refuses the request.
	URLs []string
	// Assets are absolute URLs of files as the CMS's storage names them
	// (Contentful's asset CDN, a Strapi upload provider): refreshed when on
	// an allowlisted domain, else noted. Items carry their paths for
	// {path} templates that map them onto a domain of ours.
	Assets []string
	// Items are the inputs for the route's URL templates.
	Items []Fields
	// Related are further inputs for the route's related templates, which
	// fill from Items too: one per tag, category and author.
	Related    []Fields
	ObjectType string // "File" or "Directory" when the payload says; "" otherwise
	Ignored    string // when set: nothing to refresh for this event, and why
	// Notes list what the payload named that is not refreshed, and why
	// (a VOD source file outside the video's folder).
	Notes []string
	// Revision names this version of the content (the sender's update
	// time or revision), so that a second delivery of one change (Ghost's
	// unpublish and delete pair) refreshes nothing twice; "" when the
	// sender says nothing of it.
	Revision string
	// Document names the content across its versions, for a sender that
	// sends no previous slug or URL (Strapi): the URLs last refreshed for
	// it are remembered, and refreshed too when they change. "" otherwise.
	Document string
	// Previous are URLs the content was served at before this change, as
	// the function remembers them for a sender that sends no previous
	// slug (see Document): refreshed too, and not remembered again.
	Previous []string
	// Upload: the change is to an uploaded file, not to content; the
	// route's related pages are not refreshed for it unless it says so.
	Upload bool
}
