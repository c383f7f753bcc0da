package cli

import (
	"fmt"
	"io"
	"os"
)

// maxEvent bounds how much of an event file is read.
const maxEvent = 64 << 20

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
	return b, nil
}
