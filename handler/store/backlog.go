package store

import "time"

// Pending is a change that waits for the planner of scarce days: a path
// to refresh for the event that asked for it (the retry memory's event
// identity), with what the planner needs to choose how.
type Pending struct {
	ID   string `json:"id"`
	Path string `json:"path"`
	// Directory: the path is a folder, refreshed as a directory.
	Directory bool `json:"dir,omitempty"`
	// Folder is the directory that may refresh the path in its place,
	// within the rules' prefixes and the minimum depth; "" when none may.
	Folder string `json:"folder,omitempty"`
	// Changed is when the change was made (when it was first seen, if
	// the event did not say); Since is when it was first recorded.
	Changed time.Time `json:"changed"`
	Since   time.Time `json:"since"`
}

// key names a Pending by its event and path.
func (p Pending) key() Key { return KeyOf("pending", p.ID, p.Path) }

// BacklogTTL is how long the backlog outlives its last addition: past a
// quota reset and a day of the queue's retries.
const BacklogTTL = 48 * time.Hour

// MaxBacklog bounds the backlog: past it, AddPending refuses what it
// cannot keep. The events stay FC's, which retries them.
const MaxBacklog = 200_000

// Tracked is a refresh task the service accepted, followed until it ends:
// its ID, what it refreshes, when, and what asked for it (as the audit
// trail names it). Retry says it is the one refresh again of a task that
// failed.
type Tracked struct {
	TaskID     string    `json:"taskId"`
	ObjectType string    `json:"objectType"`
	Paths      []string  `json:"paths"`
	At         time.Time `json:"at"`
	Cause      string    `json:"cause,omitempty"`
	Retry      bool      `json:"retry,omitempty"`
}

// TrackedTTL is how long tasks are followed at most: the service keeps
// them three days.
const TrackedTTL = 72 * time.Hour

// MaxTracked bounds the tasks followed at once.
const MaxTracked = 100_000
