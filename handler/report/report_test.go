package report

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/store"
)

// The day's figures, counted as the function counts them, read back:
// spent by hour and by cause, the tasks, the backlog; and the chart is a
// valid SVG with one bar of each kind per hour.
func TestReadAndRender(t *testing.T) {
	ctx := context.Background()
	st := store.NewMemory(store.MemoryOptions{})
	at := time.Date(2026, 11, 24, 2, 30, 0, 0, time.UTC) // 10:30 in UTC+8
	for _, s := range []struct {
		at         time.Time
		cause      string
		urls, dirs int
	}{
		{at, "oss:media-bucket", 120, 2},
		{at.Add(time.Hour), "oss:media-bucket", 30, 0},
		{at.Add(time.Hour), "webhook:/hooks/blog", 5, 0},
		{at.Add(2 * time.Hour), "planner", 0, 4},
	} {
		if err := Spent(ctx, st, s.at, s.cause, s.urls, s.dirs); err != nil {
			t.Fatal(err)
		}
	}
	Tasks(ctx, st, at, 7, 1, 0)
	st.AddPending(ctx, []store.Pending{{ID: "e", Path: "https://www.example.com/a/"}})
	d, err := Read(ctx, st, at.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if d.Spent != (store.Amount{URLs: 155, Dirs: 6}) || d.Hours[10].URLs != 120 || d.Hours[11].URLs != 35 || d.Hours[12].Dirs != 4 {
		t.Errorf("spent %+v, hours 10-12 %+v", d.Spent, d.Hours[10:13])
	}
	want := []Spender{{"oss:media-bucket", 150, 2}, {"planner", 0, 4}, {"webhook:/hooks/blog", 5, 0}}
	if len(d.Top) != 3 || d.Top[0] != want[0] || d.Top[1] != want[1] || d.Top[2] != want[2] {
		t.Errorf("top %+v, want %+v", d.Top, want)
	}
	if d.Tasks.Done != 7 || d.Tasks.Retried != 1 || d.Pending != 1 || d.Day != "2026-11-24" {
		t.Errorf("tasks %+v, pending %d, day %s", d.Tasks, d.Pending, d.Day)
	}
	var svg bytes.Buffer
	if err := WriteSVG(&svg, d); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name
		Rects   []struct {
			Height int    `xml:"height,attr"`
			Title  string `xml:"title"`
		} `xml:"rect"`
	}
	if err := xml.Unmarshal(svg.Bytes(), &doc); err != nil || doc.XMLName.Local != "svg" || len(doc.Rects) != 48 {
		t.Fatalf("the SVG (%v): %s, %d bars", err, doc.XMLName.Local, len(doc.Rects))
	}
	if doc.Rects[20].Height == 0 || !strings.Contains(doc.Rects[20].Title, "10:00 URLs: 120") {
		t.Errorf("bar of 10:00: %+v", doc.Rects[20])
	}
	var table bytes.Buffer
	WriteTable(&table, d)
	if !strings.Contains(table.String(), "155 URLs") || !strings.Contains(table.String(), "6 directories") || !strings.Contains(table.String(), "oss:media-bucket") {
		t.Errorf("table:\n%s", table.String())
	}
	if _, err := json.Marshal(d); err != nil {
		t.Error(err)
	}
}
