package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteTable writes d as a table, for a terminal.
func WriteTable(w io.Writer, d *Day) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "quota day %s (resets %s)\n", d.Day, d.Reset.UTC().Format(time.RFC3339))
	fmt.Fprintf(tw, "spent\t%d URLs\t%d directories\n", d.Spent.URLs, d.Spent.Dirs)
	if d.Left != nil {
		fmt.Fprintf(tw, "left\t%d URLs\t%d directories\n", d.Left.URLs, d.Left.Dirs)
	}
	fmt.Fprintf(tw, "tasks\t%d open\t%d done\t%d refreshed again\t%d failed\n", d.Tasks.Open, d.Tasks.Done, d.Tasks.Retried, d.Tasks.Failed)
	fmt.Fprintf(tw, "backlog\t%d changes\n", d.Pending)
	fmt.Fprintln(tw, "\nhour (UTC+8)\tURLs\tdirectories")
	for _, h := range d.Hours {
		if h.URLs+h.Dirs > 0 {
			fmt.Fprintf(tw, "%02d:00\t%d\t%d\n", h.Hour, h.URLs, h.Dirs)
		}
	}
	fmt.Fprintln(tw, "\nspent by\tURLs\tdirectories")
	for _, s := range d.Top {
		fmt.Fprintf(tw, "%s\t%d\t%d\n", s.Cause, s.URLs, s.Dirs)
	}
	return tw.Flush()
}

// SVG geometry: one bar of URLs and one of directories (counted as 20
// URLs each, as the quotas weigh them) per hour.
const (
	svgWidth, svgHeight = 760, 260
	left, bottom, top   = 50, 30, 30
	barWidth            = 12
)

// WriteSVG writes the quota spent over the day, by hour, as a small
// hand-written SVG chart: no library earns its place for 24 bars.
func WriteSVG(w io.Writer, d *Day) error {
	most := 1
	for _, h := range d.Hours {
		most = max(most, h.URLs, h.Dirs*20)
	}
	plot := float64(svgHeight - bottom - top)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n",
		svgWidth, svgHeight, svgWidth, svgHeight)
	fmt.Fprintf(&b, `<title>Refresh quota spent on %s, by hour (UTC+8)</title>`+"\n", d.Day)
	fmt.Fprintf(&b, `<text x="%d" y="18">%s: %d URLs and %d directories spent</text>`+"\n", left, d.Day, d.Spent.URLs, d.Spent.Dirs)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#444"/>`+"\n", left, svgHeight-bottom, svgWidth-10, svgHeight-bottom)
	for _, h := range d.Hours {
		x := left + h.Hour*29
		for i, v := range []struct {
			n     int
			color string
			what  string
		}{{h.URLs, "#4a7bd0", "URLs"}, {h.Dirs * 20, "#d08a4a", "directories (×20)"}} {
			height := int(plot * float64(v.n) / float64(most))
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%02d:00 %s: %d</title></rect>`+"\n",
				x+i*barWidth, svgHeight-bottom-height, barWidth, height, v.color, h.Hour, v.what, v.n)
		}
		if h.Hour%3 == 0 {
			fmt.Fprintf(&b, `<text x="%d" y="%d">%02d</text>`+"\n", x, svgHeight-bottom+14, h.Hour)
		}
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
