package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// maxEvent bounds how much of an event file is read.
const maxEvent = 64 << 20

// readEvent reads an event from the file name, or from stdin for "-".
func readEvent(name string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxEvent+1))
	if err != nil {
		return nil, fmt.Errorf("read event: %w", err)
	}
	if len(b) > maxEvent {
		return nil, fmt.Errorf("event %s is larger than %d MiB", name, maxEvent>>20)
	}
	return unwrapBase64(bytes.TrimPrefix(b, utf8BOM)), nil
}

// unwrapBase64 returns the event that b holds base64-encoded, as an MNS
// queue holds a message body (a dead-lettered message fetched from the
// queue), or b itself when it is not base64 of a JSON document.
func unwrapBase64(b []byte) []byte {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || t[0] == '{' || t[0] == '[' {
		return b
	}
	d, err := base64.StdEncoding.DecodeString(string(t))
	if err != nil {
		return b
	}
	if d = bytes.TrimSpace(d); len(d) > 0 && (d[0] == '{' || d[0] == '[') && json.Valid(d) {
		return d
	}
	return b
}

// utf8BOM is the byte-order mark that some editors put at the start of a
// UTF-8 file; JSON does not allow it, so it is dropped.
var utf8BOM = []byte("\xEF\xBB\xBF")
