// Package testfix holds helpers for tests, shared by the test files of
// several packages: reading fixtures and environment files, collecting
// output written from several goroutines, and making concurrent calls with
// made-up credentials. Only _test.go files import it, and it imports no
// package of vodrefresh.
package testfix

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Read returns the contents of the file filepath.Join(elem...), failing
// the test if it cannot be read.
func Read(t testing.TB, elem ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(elem...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ReadEnv reads the environment file filepath.Join(elem...): KEY=VALUE
// lines, with blank lines and lines starting with # passed over. A value in
// double quotes (as a shell reads one with spaces) is taken without them. It
// fails the test if the file cannot be read.
func ReadEnv(t testing.TB, elem ...string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, line := range strings.Split(string(Read(t, elem...)), "\n") {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			env[k] = v
		}
	}
	return env
}

// SyncBuffer is a bytes.Buffer that is safe for concurrent use: a
// process's or a server's goroutines may write to it while the test reads
// it. The zero value is an empty buffer ready to use.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what has been written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Credentials returns n made-up access key pairs, as a map from key ID to
// secret: pair i is fmt.Sprintf(idFormat, i) and fmt.Sprintf(secretFormat, i).
func Credentials(n int, idFormat, secretFormat string) map[string]string {
	creds := make(map[string]string, n)
	for i := range n {
		creds[fmt.Sprintf(idFormat, i)] = fmt.Sprintf(secretFormat, i)
	}
	return creds
}

// Parallel calls f(0), ..., f(n-1), each in a goroutine of its own, as
// concurrent invocations arrive, and returns once all of them have returned.
func Parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(i)
		}()
	}
	wg.Wait()
}
