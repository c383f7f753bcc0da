package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"vodrefresh/handler/trust"
)

// The limits of a Redis when its URL does not set them (the URL's
// dial_timeout, read_timeout, write_timeout and pool_size query parameters
// do). A refresh waits at most about OpTimeout for an operation, whatever
// its context allows.
const (
	DialTimeout = time.Second
	IOTimeout   = 500 * time.Millisecond
	PoolSize    = 4
	OpTimeout   = time.Second
)

// LedgerTTL is how long the quota ledger's keys live after their last
// write: past it a deployment left idle reads its quota afresh.
const LedgerTTL = 48 * time.Hour

// prefix begins every key that Redis writes.
const prefix = "vodrefresh:"

// The ledger's keys share the hash tag {ledger}, so that a script may use
// all three on a Redis cluster.
const (
	ledgerState = prefix + "{ledger}:state"
	ledgerHolds = prefix + "{ledger}:holds"
	ledgerHeld  = prefix + "{ledger}:held"
)

// seenChunk is how many keys one pipeline of Seen or Mark carries.
const seenChunk = 1000

// Redis is the Store kept in a Redis server: ApsaraDB for Redis, Tair, or
// any Redis 6+ or Valkey, one server (or a cluster behind a proxy) or a
// Redis Cluster in direct-connection mode (redis+cluster://). Every
// operation is atomic (a single command, or a Lua script) and every key it
// writes expires. Key names begin with "vodrefresh:" and carry hashes
// (Key.String, or the KeyOf of a route, a delivery, a hold id or a
// folder), so whatever a sender sends, a key name stays short:
//
//	vodrefresh:r:<key>                 retry memory, one key each, PX ttl
//	vodrefresh:d:<route>:<delivery>    dedupe: "p" in progress, "h" handled
//	vodrefresh:{ledger}:state          hash: the reading and what was spent
//	vodrefresh:{ledger}:holds          sorted set: hold id by expiry (ms)
//	vodrefresh:{ledger}:held           hash: hold id to "urls,dirs"
//	vodrefresh:f:<folder>              folder memory: unix ms, PX ttl
//	vodrefresh:v:<key>                 a remembered value, PX ttl
//	vodrefresh:c:<key>                 hash: counters, PX ttl
//	vodrefresh:backlog                 hash: the backlog of scarce days
//	vodrefresh:tracked                 hash: the refresh tasks followed
//	vodrefresh:lease:<name>            a lease's holder, PX ttl
//	vodrefresh:probe:<random>          Health's probe, 10 s
//
// On a cluster: every script touches one key, except the ledger's, whose
// three keys share the hash tag {ledger} and so one slot; scripts get
// their keys in KEYS, never make them. Batches (Seen, Mark, Folders,
// RecordFolders, Count) go in pipelines of single-key commands, one round
// trip per 1,000 keys, which a cluster sends as one pipeline per node
// (cluster) and a proxy passes on. The writes a refresh leaves for its
// end (Later) are queued and sent together, in one pipeline, scripts
// included (as EVAL, whole).
//
// No command that may have run is sent again: the client's retries are
// off (MaxRetries -1), on one server as on each node of a cluster. A
// MOVED or ASK reply, which a node gives without running the command, is
// followed once. Errors name the server as host:port and db (or the
// cluster's seed nodes), never the password.
type Redis struct {
	c        redis.UniversalClient
	cluster  *cluster // nil for one server
	where    string   // "redis host:port db N" or "redis cluster host:port,..."
	password string   // only to redact it from messages
	timeout  time.Duration

	evictMu      sync.Mutex
	evictBase    map[string]int64 // evicted_keys per server when counting began; nil before
	evictLast    map[string]int64 // evicted_keys per server at the last call
	evictCarried int64            // what servers counted before they restarted
}

// OpenRedis connects to the Redis of url and checks that it answers
// (within DialTimeout plus IOTimeout); it also reads the server's count
// of evicted keys, from which Evicted counts. url is
// redis://[user:password@]host:port/db, rediss:// for TLS, or
// redis+cluster://[user:password@]host:port?addr=host2:port2&addr=... (and
// rediss+cluster://) for a Redis Cluster in direct-connection mode, whose
// seed nodes are the host and each addr. The options the URL may set are
// listed in the package's documentation. Its errors name the server but
// never the password.
func OpenRedis(url string) (*Redis, error) {
	r, err := newRedis(url)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), DialTimeout+IOTimeout)
	defer cancel()
	if err := r.Ping(ctx); err != nil {
		r.Close()
		return nil, err
	}
	r.Evicted(ctx) // the count begins here; a failure makes it begin at the next call
	return r, nil
}

// newRedis makes the client of url without connecting.
func newRedis(raw string) (*Redis, error) {
	u, err := parseStoreURL(raw)
	if err != nil {
		return nil, err
	}
	parseErr := func(err error) error {
		msg := strings.TrimPrefix(err.Error(), "redis: ")
		return fmt.Errorf("store: the store URL for %s: %s", u.where, redact(msg, u.password))
	}
	r := &Redis{where: u.where, password: u.password, timeout: OpTimeout}
	if u.cluster {
		copt, err := redis.ParseClusterURL(u.goRedisURL)
		if err != nil {
			return nil, parseErr(err)
		}
		// Each node's client: the URL's credentials, TLS and limits, and
		// the settings of a single server below. A node that answers MOVED
		// did not run the command, which cluster then sends once more to
		// the slot's owner; a command that timed out is never sent again.
		opt := redis.Options{
			Username: copt.Username, Password: copt.Password, TLSConfig: copt.TLSConfig, ClientName: copt.ClientName, Protocol: copt.Protocol,
			DialTimeout: copt.DialTimeout, ReadTimeout: copt.ReadTimeout, WriteTimeout: copt.WriteTimeout,
			PoolSize: copt.PoolSize, PoolTimeout: copt.PoolTimeout, MinIdleConns: copt.MinIdleConns, MaxIdleConns: copt.MaxIdleConns,
			ConnMaxIdleTime: copt.ConnMaxIdleTime, ConnMaxLifetime: copt.ConnMaxLifetime,
		}
		settle(&opt)
		r.c, r.cluster = newCluster(opt, copt.Addrs)
		return r, nil
	}
	opt, err := redis.ParseURL(u.goRedisURL)
	if err != nil {
		return nil, parseErr(err)
	}
	settle(opt)
	c := redis.NewClient(opt)
	c.AddHook(queueHook{})
	r.c = c
	return r, nil
}

// rootCAs are the CA roots a TLS connection verifies the server against.
var rootCAs = trust.Roots

// settle gives a server's client the limits the URL left unset and the
// settings the store depends on, and, over TLS, the process's CA roots
// (trust.Roots: the ones VOD is verified against, loaded once).
func settle(opt *redis.Options) {
	if opt.TLSConfig != nil && !opt.TLSConfig.InsecureSkipVerify {
		opt.TLSConfig.RootCAs = rootCAs()
	}
	defaults(&opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout, &opt.PoolSize)
	opt.PipelinePoolSize = -1 // pipelines share the one small pool
	// A script that timed out may have run: running it again could count
	// spent quota twice. The caller's next invocation retries.
	opt.MaxRetries = -1
	opt.DialerRetries = 1
	opt.ContextTimeoutEnabled = true
	opt.DisableIdentity = true
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
}

// defaults sets the limits the URL left unset.
func defaults(dial, read, write *time.Duration, pool *int) {
	if *dial == 0 {
		*dial = DialTimeout
	}
	if *read == 0 {
		*read = IOTimeout
	}
	if *write == 0 {
		*write = IOTimeout
	}
	if *pool == 0 {
		*pool = PoolSize
	}
}

// String names the server as "redis host:port db N", or a cluster as
// "redis cluster host:port,host:port" (its seed nodes), without the user
// or password.
func (r *Redis) String() string { return r.where }

// Kind returns "redis".
func (r *Redis) Kind() string { return "redis" }

// Close releases the connections.
func (r *Redis) Close() error {
	err := r.c.Close()
	if r.cluster != nil {
		err = errors.Join(err, r.cluster.close())
	}
	if err != nil {
		return r.wrap("close", err)
	}
	return nil
}

// Ping checks that the server answers and accepts the credentials.
func (r *Redis) Ping(ctx context.Context) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	return r.wrap("ping", r.c.Ping(ctx).Err())
}

// bound limits ctx to the operation timeout.
func (r *Redis) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, r.timeout)
}

// opError is an error of a Redis operation: its message names the server and
// the operation and never the password. Unwrap gives the client's error,
// for errors.Is (context.DeadlineExceeded, say).
type opError struct {
	msg string
	err error
}

func (e *opError) Error() string { return e.msg }

// Unwrap returns the client's error.
func (e *opError) Unwrap() error { return e.err }

// wrap names the server and op in err; nil stays nil.
func (r *Redis) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return &opError{msg: redact(fmt.Sprintf("store: %s: %s: %s", r.where, op, describe(err)), r.password), err: err}
}

// describe says what went wrong in words, without Go type names.
func describe(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, redis.ErrClosed):
		return "the client is closed"
	}
	return strings.TrimPrefix(err.Error(), "redis: ")
}

// ms is d in whole milliseconds, at least 1, as Redis's PX wants.
func ms(d time.Duration) int64 {
	return max(1, d.Milliseconds())
}

func retryKey(k Key) string { return prefix + "r:" + k.String() }

func deliveryKey(route, key string) string {
	return prefix + "d:" + KeyOf(route).String()[:16] + ":" + KeyOf(route, key).String()
}

func folderKey(f string) string { return prefix + "f:" + KeyOf(f).String() }

func holdID(id string) string { return KeyOf(id).String() }

// Seen reports, for each key, whether it was marked and has not expired:
// one pipeline of EXISTS per 1,000 keys.
func (r *Redis) Seen(ctx context.Context, keys []Key) ([]bool, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	seen := make([]bool, len(keys))
	for start := 0; start < len(keys); start += seenChunk {
		chunk := keys[start:min(start+seenChunk, len(keys))]
		cmds := make([]*redis.IntCmd, len(chunk))
		_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, k := range chunk {
				cmds[i] = p.Exists(ctx, retryKey(k))
			}
			return nil
		})
		if err != nil {
			return nil, r.wrap("seen", err)
		}
		for i, c := range cmds {
			seen[start+i] = c.Val() > 0
		}
	}
	return seen, nil
}

// Mark remembers keys for ttl: one pipeline of SET PX per 1,000 keys.
func (r *Redis) Mark(ctx context.Context, keys []Key, ttl time.Duration) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	px := time.Duration(ms(ttl)) * time.Millisecond
	for start := 0; start < len(keys); start += seenChunk {
		chunk := keys[start:min(start+seenChunk, len(keys))]
		_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range chunk {
				p.Set(ctx, retryKey(k), "1", px)
			}
			return nil
		})
		if err != nil {
			return r.wrap("mark", err)
		}
	}
	return nil
}

// Reserve sets the delivery in progress for hold if no one did (SET NX
// PX), or says whether it is in progress or handled, in one script.
func (r *Redis) Reserve(ctx context.Context, route, key string, hold time.Duration) (Delivery, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	n, err := r.run(ctx, reserveScript, []string{deliveryKey(route, key)}, ms(hold)).Int()
	if err != nil {
		return 0, r.wrap("reserve", err)
	}
	switch n {
	case 0:
		return New, nil
	case 2:
		return Handled, nil
	}
	return InProgress, nil
}

// Finish remembers a handled delivery for window; otherwise it deletes the
// reservation, only while it is still in progress.
func (r *Redis) Finish(ctx context.Context, route, key string, handled bool, window time.Duration) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	k := deliveryKey(route, key)
	var err error
	if handled {
		err = r.c.Set(ctx, k, "h", time.Duration(ms(window))*time.Millisecond).Err()
	} else {
		err = r.run(ctx, dropScript, []string{k}).Err()
	}
	return r.wrap("finish", err)
}

var ledgerKeys = []string{ledgerState, ledgerHolds, ledgerHeld}

// parseLedger reads the reply of a ledger script.
func parseLedger(v any) (Ledger, bool, error) {
	a, ok := v.([]any)
	if !ok || len(a) != 11 {
		return Ledger{}, false, errors.New("the ledger script's reply has the wrong shape")
	}
	n := make([]int, len(a))
	for i, x := range a {
		if i == 4 {
			continue
		}
		v, ok := x.(int64)
		if !ok {
			return Ledger{}, false, errors.New("the ledger script's reply has the wrong shape")
		}
		n[i] = int(v)
	}
	l := Ledger{
		Have:    n[0] == 1,
		Spent:   Amount{URLs: n[5], Dirs: n[6]},
		Preload: n[7],
		Held:    Amount{URLs: n[8], Dirs: n[9]},
	}
	if l.Have {
		l.Reading = Reading{URLRemain: n[1], DirRemain: n[2], PreloadRemain: n[3]}
		if s, _ := a[4].(string); s != "" {
			ns, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return Ledger{}, false, errors.New("the ledger's reading time does not parse")
			}
			l.Reading.At = time.Unix(0, ns)
		}
	}
	return l, n[10] == 1, nil
}

// Ledger returns the quota ledger, dropping expired holds.
func (r *Redis) Ledger(ctx context.Context) (Ledger, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	v, err := r.run(ctx, ledgerScript, ledgerKeys).Result()
	if err != nil {
		return Ledger{}, r.wrap("ledger", err)
	}
	l, _, err := parseLedger(v)
	return l, r.wrap("ledger", err)
}

// SetReading replaces the reading and zeroes what was spent, in one
// script; holds stay.
func (r *Redis) SetReading(ctx context.Context, rd Reading) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	err := r.run(ctx, setReadingScript, []string{ledgerState},
		rd.URLRemain, rd.DirRemain, rd.PreloadRemain, unixNano(rd.At), LedgerTTL.Milliseconds(), rd.Day).Err()
	return r.wrap("set reading", err)
}

// unixNano is t in Unix nanoseconds, as the ledger's scripts store and
// compare times; "" for the zero time.
func unixNano(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}

// Forget deletes the reading and what was spent since; holds stay.
func (r *Redis) Forget(ctx context.Context) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	return r.wrap("forget", r.c.Del(ctx, ledgerState).Err())
}

// Hold reserves need under id for ttl if Available covers it, in one
// script. The Ledger it returns is the one it decided on: its Held does
// not count need, nor a former hold under id, which the new one replaces.
func (r *Redis) Hold(ctx context.Context, id string, need Amount, ttl time.Duration) (Ledger, bool, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	v, err := r.run(ctx, holdScript, ledgerKeys, holdID(id),
		max(0, need.URLs), max(0, need.Dirs), ms(ttl), LedgerTTL.Milliseconds()).Result()
	if err != nil {
		return Ledger{}, false, r.wrap("hold", err)
	}
	l, ok, err := parseLedger(v)
	return l, ok, r.wrap("hold", err)
}

// Settle drops the hold id and counts spent (HINCRBY) unless the reading
// began after answered, in one script.
func (r *Redis) Settle(ctx context.Context, id string, spent Amount, preload int, answered time.Time) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	err := r.run(ctx, settleScript, ledgerKeys, holdID(id),
		spent.URLs, spent.Dirs, preload, LedgerTTL.Milliseconds(), unixNano(answered)).Err()
	return r.wrap("settle", err)
}

// Folders returns when each remembered folder was refreshed: one pipeline
// of GET per 1,000 folders.
func (r *Redis) Folders(ctx context.Context, folders []string) (map[string]time.Time, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	out := make(map[string]time.Time)
	for start := 0; start < len(folders); start += seenChunk {
		chunk := folders[start:min(start+seenChunk, len(folders))]
		cmds := make([]*redis.StringCmd, len(chunk))
		_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, f := range chunk {
				cmds[i] = p.Get(ctx, folderKey(f))
			}
			return nil
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, r.wrap("folders", err)
		}
		for i, c := range cmds {
			n, err := c.Int64()
			if err != nil {
				continue // not remembered (or not a time, which no one writes)
			}
			out[chunk[i]] = time.UnixMilli(n)
		}
	}
	return out, nil
}

// RecordFolders remembers folders as refreshed at at, for ttl, keeping a
// later time already remembered: one script per folder, pipelined. Times
// are kept to the millisecond.
func (r *Redis) RecordFolders(ctx context.Context, folders []string, at time.Time, ttl time.Duration) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	for start := 0; start < len(folders); start += seenChunk {
		chunk := folders[start:min(start+seenChunk, len(folders))]
		if err := r.runEach(ctx, folderScript, chunk, at.UnixMilli(), ms(ttl)); err != nil {
			return r.wrap("record folders", err)
		}
	}
	return nil
}

// runEach runs s on each folder's key with args, in one pipeline of
// EVALSHA, each sent once; those that the server answered NOSCRIPT (and so
// did not run) go again with EVAL, in a second pipeline. On a cluster the
// pipeline is split by node, and a node may lack the script that another
// has.
func (r *Redis) runEach(ctx context.Context, s *script, folders []string, args ...any) error {
	run := func(eval bool, folders []string) ([]*redis.Cmd, error) {
		cmds := make([]*redis.Cmd, len(folders))
		_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, f := range folders {
				cmds[i] = evalCmd(ctx, s, eval, []string{folderKey(f)}, args)
				_ = p.Process(ctx, onceCmd{cmds[i]})
			}
			return nil
		})
		return cmds, err
	}
	cmds, err := run(queuedIn(ctx) != nil, folders) // queued: whole, as run does
	if err == nil {
		return nil
	}
	var again []string
	for i, c := range cmds {
		switch {
		case c.Err() == nil:
		case redis.HasErrorPrefix(c.Err(), "NOSCRIPT"):
			again = append(again, folders[i])
		default:
			return c.Err()
		}
	}
	if len(again) == 0 {
		return err
	}
	_, err = run(true, again)
	return err
}

var _ Store = (*Redis)(nil)
