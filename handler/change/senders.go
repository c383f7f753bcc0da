package change

import "slices"

// Kind is what the planner and the configuration know of one kind of
// sender, as a route names it: the template fields its payloads can fill,
// so that a template no payload of the kind can ever fill is refused at
// start-up, and whether its payloads carry the content's URL. Whether a
// given payload fills a field ({locale} needs i18n, {tag} a tagged post)
// is known only when it arrives.
type Kind struct {
	Name string
	// Auth is the authentication scheme a route of the kind uses unless
	// it names another.
	Auth   string
	Fields []string
	// NoURL: its payloads carry no URL of the content, so a route needs
	// URL templates.
	NoURL bool
	// OneAttempt: the sender never retries a failed delivery (each
	// sender's page in handler/webhook says where its code shows it), so
	// any answer but 2xx loses the refresh.
	OneAttempt bool
}

// kinds are the senders, each declared once: every list of kinds (the
// configuration's and the webhook parsers' included) is read from here.
var kinds = []Kind{
	{Name: "generic", Auth: "standard-webhooks", Fields: []string{"videoId", "path"}},
	{Name: "ghost", Auth: "ghost", Fields: []string{"slug", "id", "model", "path", "tag", "author"}, OneAttempt: true},
	// WP Webhooks' Bearer token authentication template.
	{Name: "wordpress", Auth: "token", Fields: []string{"slug", "id", "model", "path", "tag", "category"}, OneAttempt: true},
	{Name: "strapi", Auth: "token", Fields: []string{"slug", "id", "model", "locale", "path", "tag", "category", "author"}, NoURL: true, OneAttempt: true},
	{Name: "contentful", Auth: "contentful", Fields: []string{"slug", "id", "model", "locale", "path"}, NoURL: true},
	{Name: "sanity", Auth: "sanity", Fields: []string{"slug", "id", "model", "locale", "path", "tag", "category", "author"}},
	// ApsaraVideo VOD's event callback. Its body is not signed, so every
	// URL comes from the route's templates.
	{Name: "vod", Auth: "vod", Fields: []string{"videoId", "path"}, NoURL: true},
}

// Kinds returns the names of the senders a route can name, in a fixed
// order.
func Kinds() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.Name
	}
	return out
}

// KindOf returns the kind named name, and whether there is one.
func KindOf(name string) (Kind, bool) {
	i := slices.IndexFunc(kinds, func(k Kind) bool { return k.Name == name })
	if i < 0 {
		return Kind{}, false
	}
	k := kinds[i]
	k.Fields = slices.Clone(k.Fields)
	return k, true
}

// schemes are the authentication schemes a route can name, in a fixed
// order; package webhook makes a verifier for each.
var schemes = []string{"ghost", "wordpress", "contentful", "sanity", "standard-webhooks", "hmac-sha256", "token", "vod", "none"}

// Schemes returns the names of the authentication schemes a route can
// name, in a fixed order.
func Schemes() []string { return slices.Clone(schemes) }

// DefaultFields returns the template fields that a route may give a
// default for: every placeholder but {path}, which is the path of a URL
// the sender sent, and {videoId}, which only a checked ID fills.
func DefaultFields() []string {
	return slices.DeleteFunc(Placeholders(), func(n string) bool { return n == "path" || n == "videoId" })
}
