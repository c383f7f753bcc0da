package handler

// Result is what an invocation returns: every path, the calls that carried
// it, and every record that was skipped, with the reason.
type Result struct {
	DryRun  bool   `json:"dryRun"`
	Shape   string `json:"shape"`
	Records int    `json:"records"`
	Calls   []Call `json:"calls"`
	Skipped []Skip `json:"skipped,omitempty"`
}

// Call is one RefreshVodObjectCaches call, made or (in a dry run) planned.
type Call struct {
	ObjectType string     `json:"objectType"`
	Paths      []string   `json:"paths"`
	Sent       bool       `json:"sent"`
	TaskIDs    []string   `json:"taskIds,omitempty"`
	RequestID  string     `json:"requestId,omitempty"`
	Attempts   int        `json:"attempts,omitempty"`
	Error      *CallError `json:"error,omitempty"`
}
