package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"vodrefresh/handler/internal/redistest"
)

// openCluster opens a store on cl, closed when t ends.
func openCluster(t *testing.T, cl *redistest.Cluster) *Redis {
	t.Helper()
	r, err := OpenRedis(cl.URL("redis+cluster"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// keysPerNode is DBSIZE of each node of cl.
func keysPerNode(t *testing.T, cl *redistest.Cluster) []int {
	t.Helper()
	var n []int
	for _, s := range cl.Servers {
		v, err := redistest.Command(s.Addr, s.Password, "DBSIZE")
		if err != nil {
			t.Fatal(err)
		}
		k, _ := strconv.Atoi(v)
		n = append(n, k)
	}
	return n
}

// On a cluster in direct-connection mode, single keys spread over the
// nodes, the ledger's keys share one slot, and two stores opened apart
// share the state as on one server: a delivery reserved by one is refused
// by the other, and what one marks the other has seen.
func TestClusterSharedAcrossStores(t *testing.T) {
	const pw = "cluster-Secret-pw"
	cl := redistest.StartCluster(t, 3, redistest.Password(pw))
	a, b := openCluster(t, cl), openCluster(t, cl)
	ctx := context.Background()

	want := "redis cluster " + strings.Join(cl.Addrs(), ",")
	if a.String() != want {
		t.Errorf("String() = %q, want %q", a.String(), want)
	}
	checkMessage(t, a.String(), pw)

	keys := make([]Key, 60)
	for i := range keys {
		keys[i] = KeyOf("ev", fmt.Sprint(i))
	}
	must(t, a.Mark(ctx, keys, time.Minute))
	seen, err := b.Seen(ctx, append(keys, KeyOf("never")))
	must(t, err)
	for i, ok := range seen {
		if ok != (i < len(keys)) {
			t.Fatalf("Seen by the other store, key %d: %v", i, ok)
		}
	}
	holding := 0
	for i, n := range keysPerNode(t, cl) {
		if n > 0 {
			holding++
		}
		t.Logf("node %s holds %d keys", cl.Servers[i].Addr, n)
	}
	if holding < 2 {
		t.Errorf("the retry memory's 60 keys are on %d node(s), want them spread", holding)
	}

	// A replay is refused whichever store sees it.
	if d, err := a.Reserve(ctx, "route", "delivery-1", time.Minute); err != nil || d != New {
		t.Fatalf("Reserve on a = %v, %v; want New", d, err)
	}
	if d, err := b.Reserve(ctx, "route", "delivery-1", time.Minute); err != nil || d != InProgress {
		t.Errorf("Reserve of the same delivery on b = %v, %v; want InProgress", d, err)
	}
	must(t, a.Finish(ctx, "route", "delivery-1", true, time.Minute))
	if d, err := b.Reserve(ctx, "route", "delivery-1", time.Minute); err != nil || d != Handled {
		t.Errorf("Reserve of a handled delivery on b = %v, %v; want Handled", d, err)
	}

	// The ledger's three keys are in one slot, and shared.
	must(t, a.SetReading(ctx, reading(100, 0)))
	if _, ok, err := a.Hold(ctx, "inv-a", Amount{URLs: 80}, time.Minute); err != nil || !ok {
		t.Fatalf("Hold on a = %v, %v", ok, err)
	}
	if _, ok, err := b.Hold(ctx, "inv-b", Amount{URLs: 80}, time.Minute); err != nil || ok {
		t.Errorf("Hold of 80 on b with 20 left = %v, %v; want false", ok, err)
	}
	slots := map[string]bool{}
	for _, k := range ledgerKeys {
		s, err := redistest.Command(cl.Servers[0].Addr, pw, "CLUSTER", "KEYSLOT", k)
		must(t, err)
		slots[s] = true
	}
	if len(slots) != 1 {
		t.Errorf("the ledger's keys are in slots %v, want one", slots)
	}

	h, err := b.Health(ctx)
	must(t, err)
	if h.Kind != "redis cluster" || !h.Shared || !h.Reachable || !h.Writable || h.Policy != "noeviction" || h.Warning != "" {
		t.Errorf("Health = %+v", h)
	}
	if n, err := a.Evicted(ctx); err != nil || n != 0 {
		t.Errorf("Evicted = %d, %v; want 0", n, err)
	}
}

// A command that times out on a cluster is not sent again: while every
// node sleeps (DEBUG SLEEP), a Count (HINCRBY) and a Settle (a script)
// fail at the read timeout of their one try and are not sent again once
// the nodes wake: each counts once.
func TestClusterNoResendAfterTimeout(t *testing.T) {
	cl := redistest.StartCluster(t, 3, redistest.Args("--enable-debug-command", "yes"))
	r := openCluster(t, cl)
	ctx := context.Background()
	k := KeyOf("spend", "asleep")
	must(t, r.Count(ctx, k, map[string]int{"warm": 1}, time.Minute)) // the slots are known
	must(t, r.Settle(ctx, "warm", Amount{}, 0, time.Time{}))
	done := make(chan error, len(cl.Servers))
	for _, s := range cl.Servers {
		go func() {
			_, err := redistest.Command(s.Addr, "", "DEBUG", "SLEEP", "1.6")
			done <- err
		}()
	}
	time.Sleep(100 * time.Millisecond) // every node sleeps
	errs := make(chan error, 2)
	go func() { errs <- r.Count(ctx, k, map[string]int{"n": 1}, time.Minute) }()
	go func() { errs <- r.Settle(ctx, "inv", Amount{URLs: 1}, 0, time.Time{}) }()
	for range 2 {
		if err := <-errs; err == nil {
			t.Fatal("an operation on a sleeping cluster succeeded")
		}
	}
	for range cl.Servers {
		if err := <-done; err != nil {
			t.Fatalf("DEBUG SLEEP: %v", err)
		}
	}
	eventually(t, "the nodes wake", func() bool {
		got, err := r.Counts(ctx, k)
		return err == nil && got["n"] > 0
	})
	time.Sleep(100 * time.Millisecond)
	got, err := r.Counts(ctx, k)
	must(t, err)
	if got["n"] != 1 {
		t.Errorf("after one Count that timed out, the counter is %d, want 1 (sent once)", got["n"])
	}
	l, err := r.Ledger(ctx)
	must(t, err)
	if l.Spent.URLs != 1 {
		t.Errorf("after one Settle that timed out, %d URLs spent, want 1 (run once)", l.Spent.URLs)
	}
}

// On a cluster whose masters may evict, Health warns and Evicted sums
// what every master evicted.
func TestClusterEvictionsSummed(t *testing.T) {
	cl := redistest.StartCluster(t, 3, redistest.Args("--maxmemory", "3mb", "--maxmemory-policy", "volatile-lru"))
	r := openCluster(t, cl)
	ctx := context.Background()
	h, err := r.Health(ctx)
	must(t, err)
	if h.Kind != "redis cluster" || h.Policy != "volatile-lru" || h.MaxMemory != 3<<20 || h.Warning == "" {
		t.Errorf("Health = %+v", h)
	}
	value := strings.Repeat("x", 32<<10)
	for i := range 400 { // 12.8mb of values over 3 nodes of 3mb
		must(t, r.SetValue(ctx, KeyOf("fill", strconv.Itoa(i)), value, time.Hour))
	}
	var sum int64
	for _, s := range cl.Servers {
		info, err := redistest.Command(s.Addr, "", "INFO", "stats")
		must(t, err)
		n, _ := strconv.ParseInt(infoFields(info)["evicted_keys"], 10, 64)
		sum += n
	}
	n, err := r.Evicted(ctx)
	must(t, err)
	if n <= 0 || n != sum {
		t.Errorf("Evicted = %d, want the masters' sum, %d, above 0", n, sum)
	}
}

// A slot map gone stale (a slot moved to another master) costs a MOVED
// reply, which the node answers without running the command: the map is
// read again and the command sent once to the slot's owner. Every
// operation succeeds, and each counts once.
func TestClusterFollowsMoved(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	r := openCluster(t, cl)
	ctx := context.Background()
	stale := func() {
		r.cluster.mu.Lock()
		defer r.cluster.mu.Unlock()
		for i := range r.cluster.slots {
			r.cluster.slots[i] = cl.Servers[0].Addr // one node for every slot
		}
	}
	keys := make([]Key, 60)
	for i := range keys {
		keys[i] = KeyOf("moved", strconv.Itoa(i))
	}
	stale()
	must(t, r.Mark(ctx, keys, time.Minute)) // a pipeline: most keys are elsewhere
	stale()
	seen, err := r.Seen(ctx, keys)
	must(t, err)
	for i, ok := range seen {
		if !ok {
			t.Fatalf("key %d marked but not seen after a MOVED", i)
		}
	}
	k := KeyOf("moved", "count")
	for i := range 3 {
		stale()
		must(t, r.Count(ctx, k, map[string]int{"n": 1}, time.Minute))
		stale()
		if d, err := r.Reserve(ctx, "route", fmt.Sprint("delivery-", i), time.Minute); err != nil || d != New {
			t.Fatalf("Reserve after a MOVED: %v, %v; want New", d, err)
		}
	}
	got, err := r.Counts(ctx, k)
	must(t, err)
	if got["n"] != 3 {
		t.Errorf("3 Counts, each after a MOVED, counted %d, want 3", got["n"])
	}
	if n := keysPerNode(t, cl); n[1] == 0 || n[2] == 0 {
		t.Errorf("keys per node %v: the commands stayed on the stale node", n)
	}
}

// slotOf agrees with the cluster's CLUSTER KEYSLOT, hash tags included.
func TestSlotOf(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	for _, key := range []string{"", "a", "foo", "123456789", "vodrefresh:{ledger}:state", "{user1000}.following", "foo{}{bar}", "foo{{bar}}zap", "foo{bar}{zap}", "vodrefresh:r:" + strings.Repeat("9", 64)} {
		want, err := redistest.Command(cl.Servers[0].Addr, "", "CLUSTER", "KEYSLOT", key)
		if err != nil {
			t.Fatal(err)
		}
		if got := strconv.Itoa(slotOf(key)); got != want {
			t.Errorf("slotOf(%q) = %s, want %s", key, got, want)
		}
	}
}

// While a slot moves from one master to another, a node answers ASK for a
// key it does not hold, without running the command: the store sends it
// once more, after ASKING, to the node that imports the slot, in a
// pipeline (Mark, Seen) as alone (Count's script). Each operation
// succeeds and counts once, and the keys land on the importing node.
func TestClusterFollowsAsk(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	r := openCluster(t, cl)
	ctx := context.Background()
	mark := KeyOf("ask", "mark")
	slot := slotOf(retryKey(mark))
	count := KeyOf("ask", "count")
	for i := 0; slotOf(countKey(count)) != slot; i++ { // a counter in the same slot
		count = KeyOf("ask", "count", strconv.Itoa(i))
	}
	from := cl.Servers[slot*len(cl.Servers)/slotCount] // StartCluster's equal ranges
	to := cl.Servers[(slot*len(cl.Servers)/slotCount+1)%len(cl.Servers)]
	id := func(s *redistest.Server) string {
		v, err := redistest.Command(s.Addr, s.Password, "CLUSTER", "MYID")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		on   *redistest.Server
		args []string
	}{
		{to, []string{"CLUSTER", "SETSLOT", strconv.Itoa(slot), "IMPORTING", id(from)}},
		{from, []string{"CLUSTER", "SETSLOT", strconv.Itoa(slot), "MIGRATING", id(to)}},
	} {
		if _, err := redistest.Command(c.on.Addr, c.on.Password, c.args...); err != nil {
			t.Fatalf("%v on %s: %v", c.args, c.on.Addr, err)
		}
	}
	must(t, r.Mark(ctx, []Key{mark}, time.Minute))
	seen, err := r.Seen(ctx, []Key{mark})
	must(t, err)
	if !seen[0] {
		t.Fatal("a key marked during the slot's migration is not seen")
	}
	for range 2 {
		must(t, r.Count(ctx, count, map[string]int{"n": 1}, time.Minute))
	}
	got, err := r.Counts(ctx, count)
	must(t, err)
	if got["n"] != 2 {
		t.Errorf("2 Counts during the migration counted %d, want 2", got["n"])
	}
	n := keysPerNode(t, cl)
	for i, s := range cl.Servers {
		want := 0
		if s == to {
			want = 2
		}
		if n[i] != want {
			t.Errorf("keys per node %v: want the 2 keys on the importing node %s alone", n, to.Addr)
			break
		}
	}
}

// An ASK reply is followed only to a master of the slot map: a node it
// does not know is not dialled, and the operation fails.
func TestClusterAskToUnknownNode(t *testing.T) {
	c := &cluster{slots: make([]string, slotCount), nodes: map[string]*redis.Client{}}
	c.slots[5] = "127.0.0.1:7000"
	cmd := redis.NewCmd(context.Background(), "get", "k")
	cmd.SetErr(errors.New("ASK 5 127.0.0.1:7999"))
	err := c.ask(context.Background(), cmd)
	if err == nil || !strings.Contains(err.Error(), "serves no slot") || len(c.nodes) != 0 {
		t.Errorf("ask to an unknown node: %v, %d clients made", err, len(c.nodes))
	}
	cmd.SetErr(errors.New("MOVED 5 127.0.0.1:7000"))
	if err := c.ask(context.Background(), cmd); err != nil || cmd.Err() == nil {
		t.Errorf("a MOVED reply: ask %v, the command's error %v; want both left alone", err, cmd.Err())
	}
}
