package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
)

var (
	binPath string // vodrefresh, built once for the package's tests
	tmpDir  string // where the binaries are built
)

// buildTag is the tag every shipped or measured build uses: it keeps
// validator/v10 from calling reflect.Value.MethodByName, which makes the
// linker keep every exported method of every reachable type.
const buildTag = "validator_novalidatefn"

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vodrefresh-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tmpDir, binPath = dir, filepath.Join(dir, "vodrefresh")
	if err = build(binPath, ".", raceEnabled); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestSourcesAreInputs reads the module's sources. The binary is built
// from them by a subprocess, which the test cache cannot see; files that a
// test reads are inputs to the cache, so a change to any source re-runs
// these tests.
func TestSourcesAreInputs(t *testing.T) {
	if err := readSources(filepath.Join("..", "..")); err != nil {
		t.Fatal(err)
	}
}

// readSources reads every Go source and module file under root.
func readSources(root string) error {
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "code") {
			return filepath.SkipDir
		}
		if name := d.Name(); !d.IsDir() && (strings.HasSuffix(name, ".go") || name == "go.mod" || name == "go.sum") {
			_, err = os.ReadFile(path)
		}
		return err
	})
}

// build compiles pkg (relative to the module root) as FC runs it: static,
// stripped, with trimmed paths and the build tag. With race, it is built
// with -race instead of -trimpath, so that it reuses the packages that
// "go test -race" compiled.
func build(out, pkg string, race bool, tags ...string) error {
	args := []string{"build", "-tags", strings.Join(append([]string{buildTag}, tags...), ","), "-ldflags=-s -w", "-o", out}
	env := append(os.Environ(), "CGO_ENABLED=0")
	if race {
		args = append(args, "-race")
		env = append(os.Environ(), "CGO_ENABLED=1")
	} else {
		args = append(args, "-trimpath")
	}
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = env
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

// floorBuild builds the function in testdata/name once, for the benchmarks
// that measure against it.
func floorBuild(name string) func() (string, error) {
	return sync.OnceValues(func() (string, error) {
		out := filepath.Join(tmpDir, name)
		return out, build(out, "./handler/e2e/testdata/"+name, false)
	})
}

var (
	helloOnce     = floorBuild("hello")     // the hello-world function
	helloLibsOnce = floorBuild("hellolibs") // the hello-world with vodrefresh's libraries
)

// built returns the binary that once builds, or fails b.
func built(b *testing.B, once func() (string, error)) string {
	b.Helper()
	p, err := once()
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// helloPath returns the hello-world function's binary.
func helloPath(b *testing.B) string { b.Helper(); return built(b, helloOnce) }

// libsPath returns the hellolibs function's binary.
func libsPath(b *testing.B) string { b.Helper(); return built(b, helloLibsOnce) }

// proc is a running function process.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *testfix.SyncBuffer
	done           chan struct{}
}

// start runs bin with only env (and a private HOME), and stops it when the
// test ends.
func start(t testing.TB, bin string, env map[string]string) *proc {
	t.Helper()
	p := &proc{stdout: &testfix.SyncBuffer{}, stderr: &testfix.SyncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin)
	p.cmd.Env = []string{"HOME=" + t.TempDir(), "GORACE=halt_on_error=1"}
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(p.stop)
	return p
}

// stop ends the process and waits for it.
func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Kill()
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
}

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// vmHWM returns the process's peak resident set size in KiB.
func (p *proc) vmHWM() (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int
			_, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb)
			return kb, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", p.cmd.Process.Pid)
}

// minorFaults returns how many minor page faults the process has taken
// (/proc/<pid>/stat, field 10).
func (p *proc) minorFaults() (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	_, rest, ok := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 8 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected form", p.cmd.Process.Pid)
	}
	var n int
	_, err = fmt.Sscanf(f[7], "%d", &n)
	return n, err
}
