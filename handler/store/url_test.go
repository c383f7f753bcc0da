package store

import (
	"strings"
	"testing"
)

// A store URL's bad option is an error that names the option and what it
// must be: never a panic, never the password, never a Go type name.
func TestStoreURLOptions(t *testing.T) {
	const pw = "Opt-s3cret%2Fpw"
	const base = "redis://user:" + pw + "@127.0.0.1:6379/0"
	const cluster = "redis+cluster://user:" + pw + "@127.0.0.1:7000"
	for _, tc := range []struct {
		url, want string
	}{
		{base + "?pool_size=-5", "option pool_size is \"-5\"; it must be a whole number from 1 to 64"},
		{base + "?pool_size=0", "option pool_size is \"0\""},
		{base + "?pool_size=65", "option pool_size is \"65\""},
		{base + "?pool_size=1e11", "option pool_size is \"1e11\""},
		{base + "?pool_size=100000000000", "option pool_size is \"100000000000\""},
		{base + "?pool_size=99999999999999999999999", "option pool_size is \"99999999999999999999999\""},
		{base + "?pool_size=4&pool_size=8", "gives the option pool_size 2 times"},
		{base + "?min_idle_conns=-1", "option min_idle_conns is \"-1\""},
		{base + "?max_idle_conns=1000", "option max_idle_conns is \"1000\""},
		{base + "?dial_timeout=-1", "option dial_timeout is \"-1\"; it must be a duration from 1ms to 30s"},
		{base + "?dial_timeout=0", "option dial_timeout is \"0\""},
		{base + "?read_timeout=1h", "option read_timeout is \"1h\""},
		{base + "?write_timeout=999999999999", "option write_timeout is \"999999999999\""},
		{base + "?pool_timeout=soon", "option pool_timeout is \"soon\""},
		{base + "?conn_max_lifetime=-5s", "option conn_max_lifetime is \"-5s\""},
		{base + "?protocol=4", "option protocol is \"4\"; it must be a whole number from 2 to 3"},
		{base + "?client_name=a%20b", "option client_name is \"a b\""},
		{base + "?client_name=" + pw, "option client_name is \"xxxxx\""},
		{base + "?max_retries=3", "option max_retries is not allowed: the store never retries"},
		{base + "?max_retries=-1", "option max_retries is not allowed"},
		{base + "?min_retry_backoff=1ms", "option min_retry_backoff is not allowed"},
		{base + "?max_retry_backoff=1s", "option max_retry_backoff is not allowed"},
		{base + "?dialer_retries=5", "option dialer_retries is not allowed"},
		{base + "?context_timeout_enabled=false", "option context_timeout_enabled is not allowed"},
		{base + "?pipeline_pool_size=10", "option pipeline_pool_size is not allowed"},
		{base + "?db=3", "option db is not allowed: name the database in the URL's path"},
		{base + "?skip_verify=true", "skip_verify applies to TLS alone"},
		{"rediss://user:" + pw + "@h:6379/0?skip_verify=maybe", "option skip_verify is \"maybe\"; it must be true or false"},
		{base + "?addr=127.0.0.1:7001", "option addr names more nodes of a cluster: begin the URL with redis+cluster://"},
		{base + "?" + pw + "=1", "is not one the store takes"},
		{base + "?x=%zz", "options (after ?) do not parse"},
		{base + "#frag", "#fragment"},
		{cluster + "?max_redirects=10", "option max_redirects is not allowed"},
		{cluster + "?read_only=true", "option read_only is not allowed: the store reads from the masters"},
		{cluster + "?route_randomly=true", "option route_randomly is not allowed"},
		{cluster + "?route_by_latency=true", "option route_by_latency is not allowed"},
		{cluster + "?addr=127.0.0.1", "option addr is \"127.0.0.1\"; it must be a host:port"},
		{cluster + "?addr=127.0.0.1:99999", "option addr is \"127.0.0.1:99999\""},
		{cluster + "/3", "names database \"3\", but a Redis Cluster has database 0 alone"},
		{"redis+sentinel://user:" + pw + "@h:1", `scheme is "redis+sentinel"`},
	} {
		t.Run(tc.want, func(t *testing.T) {
			var err error
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("panic: %v", p)
					}
				}()
				var s Store
				s, err = Open(tc.url, nil)
				if err == nil {
					s.Close()
				}
			}()
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			checkMessage(t, err.Error(), pw, "Opt-s3cret/pw", "Opt-s3cret", "strconv", "time.")
		})
	}
}

// The options the store takes, within their ranges, are taken; the
// server is named as host:port and db, or as a cluster's seed nodes.
func TestStoreURLGood(t *testing.T) {
	for _, tc := range []struct {
		url, where string
		cluster    bool
	}{
		{"redis://:pw@10.0.0.5:6380/2?pool_size=64&dial_timeout=2s&read_timeout=300ms&write_timeout=1&client_name=vod-refresh&protocol=3", "redis 10.0.0.5:6380 db 2", false},
		{"rediss://u:pw@r-abc.redis.rds.aliyuncs.com/0?skip_verify=false&pool_size=1", "redis r-abc.redis.rds.aliyuncs.com:6379 db 0", false},
		{"redis+cluster://:pw@10.0.0.5:7000?addr=10.0.0.6:7000&addr=10.0.0.7:7000", "redis cluster 10.0.0.5:7000,10.0.0.6:7000,10.0.0.7:7000", true},
		{"rediss+cluster://10.0.0.5:7000/0?pool_size=2&addr=10.0.0.5:7000", "redis cluster 10.0.0.5:7000", true},
	} {
		r, err := newRedis(tc.url)
		if err != nil {
			t.Errorf("newRedis(%q): %v", tc.url, err)
			continue
		}
		if r.String() != tc.where || (r.cluster != nil) != tc.cluster {
			t.Errorf("newRedis(%q) = %q (cluster %v), want %q (cluster %v)", tc.url, r.String(), r.cluster != nil, tc.where, tc.cluster)
		}
		r.Close()
	}
}
