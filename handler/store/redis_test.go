package store

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/redistest"
)

// closedPort returns a port of 127.0.0.1 on which nothing listens.
func closedPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// checkMessage fails t if msg shows a secret or a Go type name.
func checkMessage(t *testing.T, msg string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(msg, s) {
			t.Errorf("message shows the secret %q: %s", s, msg)
		}
	}
	for _, goism := range []string{"*url.", "*net.", "*errors.", "redis.", "%!", "<nil>"} {
		if strings.Contains(msg, goism) {
			t.Errorf("message shows %q: %s", goism, msg)
		}
	}
}

func TestOpenRedisUnreachableHidesPassword(t *testing.T) {
	port := closedPort(t)
	start := time.Now()
	_, err := OpenRedis(fmt.Sprintf("redis://admin:s3cret-Pass@127.0.0.1:%d/2", port))
	if err == nil {
		t.Fatal("OpenRedis of a closed port succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("OpenRedis took %v to fail, want about DialTimeout at most", d)
	}
	checkMessage(t, err.Error(), "s3cret-Pass", "admin")
	if want := fmt.Sprintf("127.0.0.1:%d db 2", port); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %q", err, want)
	}
}

func TestOpenRedisWrongPassword(t *testing.T) {
	srv := redistest.Start(t, redistest.Password("the-right-Pass"))
	_, err := OpenRedis(fmt.Sprintf("redis://:the-wrong-Pass@%s/0", srv.Addr))
	if err == nil {
		t.Fatal("OpenRedis with the wrong password succeeded")
	}
	checkMessage(t, err.Error(), "the-wrong-Pass", "the-right-Pass")
	if !strings.Contains(err.Error(), srv.Addr) {
		t.Errorf("error %q does not name %s", err, srv.Addr)
	}
	t.Log(err)

	r, err := OpenRedis(srv.URL(0))
	if err != nil {
		t.Fatalf("OpenRedis with the right password: %v", err)
	}
	defer r.Close()
	if s := r.String(); s != "redis "+srv.Addr+" db 0" {
		t.Errorf("String() = %q, want the server and db alone", s)
	}
}

func TestOpenURLErrors(t *testing.T) {
	const pw = "Hunter2-secret"
	for _, tc := range []struct {
		url, want string
	}{
		{"http://u:" + pw + "@h:1/0", `scheme is "http"`},
		{"u:" + pw + "@h:1/0", "must begin with redis://"},
		{"unix://u:" + pw + "@/tmp/redis.sock", `scheme is "unix"`},
		{"redis://u:" + pw + "%zz@h:6379/0", "bad %-escape"},
		{"redis://u:" + pw + "@h:port/0", "does not parse"},
		{"redis://u:" + pw + "@/0", "names no host"},
		{"redis://u:" + pw + "@h:6379/db", "invalid database number"},
		{"redis://u:" + pw + "@h:6379/0/1", "invalid URL path"},
		{"redis://u:" + pw + "@h:6379/0?bogus=1", `option "bogus" is not one the store takes`},
		{"rediss://u:" + pw + "@h:6379/0?dial_timeout=soon", `option dial_timeout is "soon"; it must be a duration`},
	} {
		t.Run(tc.want, func(t *testing.T) {
			_, err := OpenRedis(tc.url)
			if err == nil {
				t.Fatal("OpenRedis succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			checkMessage(t, err.Error(), pw)
		})
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ msg, pw, want string }{
		{"auth p@ss:w/rd failed", "p@ss:w/rd", "auth xxxxx failed"},
		{"url redis://:p%40ss@h", "p@ss", "url redis://:xxxxx@h"},
		{"nothing here", "", "nothing here"},
	} {
		if got := redact(tc.msg, tc.pw); got != tc.want {
			t.Errorf("redact(%q, %q) = %q, want %q", tc.msg, tc.pw, got, tc.want)
		}
	}
}

// Every key Redis writes begins with the prefix, is short whatever it
// stands for, and expires.
func TestRedisKeysExpireAndStayShort(t *testing.T) {
	srv := redistest.Start(t)
	r, err := OpenRedis(srv.URL(1))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	long := strings.Repeat("x", 10_000)
	must(t, r.Mark(ctx, []Key{KeyOf(long)}, time.Hour))
	if _, err := r.Reserve(ctx, long, long, time.Hour); err != nil {
		t.Fatal(err)
	}
	must(t, r.Finish(ctx, "route", long, true, time.Hour))
	must(t, r.SetReading(ctx, reading(10, 1)))
	if _, _, err := r.Hold(ctx, long, Amount{URLs: 1}, time.Hour); err != nil {
		t.Fatal(err)
	}
	must(t, r.Settle(ctx, "other", Amount{URLs: 1}, 1, time.Time{}))
	must(t, r.RecordFolders(ctx, []string{long}, time.Now(), time.Hour))

	keys, err := r.c.Keys(ctx, "*").Result()
	must(t, err)
	if len(keys) != 7 { // retry, 2 deliveries, 3 of the ledger, folder
		t.Errorf("%d keys, want 7: %q", len(keys), keys)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) || len(k) > 80 {
			t.Errorf("key %q: want the prefix %q and at most 80 bytes", k, prefix)
		}
		ttl, err := r.c.PTTL(ctx, k).Result()
		must(t, err)
		if ttl <= 0 {
			t.Errorf("key %q does not expire (PTTL %v)", k, ttl)
		}
	}
	members, err := r.c.ZRange(ctx, ledgerHolds, 0, -1).Result()
	must(t, err)
	if len(members) != 1 || len(members[0]) != 32 {
		t.Errorf("hold ids %q, want one of 32 hex digits", members)
	}
}

// A Redis that stops answering fails an operation within the operation
// timeout, whatever the caller's context allows, and says which server.
func TestRedisBoundedWhenServerStops(t *testing.T) {
	srv := redistest.Start(t, redistest.Password("pw-stopping"))
	r, err := OpenRedis(srv.URL(0))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	srv.Stop()
	start := time.Now()
	_, err = r.Seen(context.Background(), []Key{KeyOf("x")})
	if err == nil {
		t.Fatal("Seen on a stopped server succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Seen took %v to fail", d)
	}
	checkMessage(t, err.Error(), "pw-stopping")
	if !strings.Contains(err.Error(), srv.Addr+" db 0: seen:") {
		t.Errorf("error %q does not name the server and the operation", err)
	}
}
