package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// slotCount is how many hash slots a Redis Cluster has.
const slotCount = 16384

// cluster routes the commands of a Redis Cluster in direct-connection
// mode: each command goes to the master of its key's slot, through a
// client of that node's own, and a batch goes as one pipeline per node.
//
// It stands in for go-redis's ClusterClient, whose command router sets
// replies through a switch over every command type of the library and a
// reflective fallback: linking it adds about half a megabyte to the
// binary (BENCHMARKS.md), for features the store does not use (replicas,
// latency routing, multi-shard replies). The store's commands each touch
// one key, or keys of one slot, so routing by the first key is all it
// needs.
//
// A node that answers MOVED did not run the command: the slot map is read
// again (CLUSTER SLOTS) and the command sent once more to the new owner.
// A node that answers ASK (its slot is being migrated and the key is not
// there) did not run it either: it goes once more, after ASKING, to the
// node the reply names, if that node serves slots of the map; the map is
// not read again. A multi-key script whose keys the migration split is
// answered TRYAGAIN, and fails like any operation: the store's caller
// falls back.
type cluster struct {
	opt   redis.Options // each node's client options; Addr set per node
	seeds []string

	mu    sync.Mutex
	nodes map[string]*redis.Client // by address
	slots []string                 // the master's address by slot; nil until read
}

// newCluster returns the router client of a cluster: a client that dials
// nothing itself, whose every command and pipeline the cluster sends to
// the nodes.
func newCluster(opt redis.Options, seeds []string) (*redis.Client, *cluster) {
	c := &cluster{opt: opt, seeds: seeds, nodes: make(map[string]*redis.Client)}
	router := redis.NewClient(&redis.Options{
		Addr:                     seeds[0],
		MaxRetries:               -1,
		DisableIdentity:          true,
		MaintNotificationsConfig: opt.MaintNotificationsConfig,
		Dialer: func(context.Context, string, string) (net.Conn, error) {
			return nil, errors.New("the cluster's router dials no node itself")
		},
	})
	router.AddHook(queueHook{}) // first: a queued command goes to no node yet
	router.AddHook(c)
	return router, c
}

// DialHook leaves dialling as it is: the router never dials.
func (c *cluster) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessHook sends a command to the master of its key's slot.
func (c *cluster) ProcessHook(redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		node, err := c.nodeFor(ctx, commandKey(cmd))
		if err != nil {
			return err
		}
		_ = node.Process(ctx, cmd)
		if moved(cmd.Err()) {
			if node, err = c.reroute(ctx, cmd); err != nil {
				return err
			}
			_ = node.Process(ctx, cmd)
		}
		if err := c.ask(ctx, cmd); err != nil {
			return err
		}
		return cmd.Err()
	}
}

// ProcessPipelineHook sends a pipeline as one pipeline per node, and each
// command that a node answered MOVED once more, alone, to its new owner.
func (c *cluster) ProcessPipelineHook(redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		byNode := make(map[*redis.Client][]redis.Cmder)
		var order []*redis.Client
		for _, cmd := range cmds {
			node, err := c.nodeFor(ctx, commandKey(cmd))
			if err != nil {
				return err
			}
			if _, ok := byNode[node]; !ok {
				order = append(order, node)
			}
			byNode[node] = append(byNode[node], cmd)
		}
		for _, node := range order {
			_, _ = node.Pipelined(ctx, func(p redis.Pipeliner) error {
				for _, cmd := range byNode[node] {
					_ = p.Process(ctx, cmd)
				}
				return nil
			})
		}
		for _, cmd := range cmds {
			if moved(cmd.Err()) {
				node, err := c.reroute(ctx, cmd)
				if err != nil {
					return err
				}
				_ = node.Process(ctx, cmd)
			}
			if err := c.ask(ctx, cmd); err != nil {
				return err
			}
		}
		for _, cmd := range cmds {
			if err := cmd.Err(); err != nil && err != redis.Nil {
				return err
			}
		}
		return nil
	}
}

// reroute reads the slot map again after a MOVED reply, clears the
// command's error, and returns the node that now owns its key.
func (c *cluster) reroute(ctx context.Context, cmd redis.Cmder) (*redis.Client, error) {
	c.mu.Lock()
	c.slots = nil
	c.mu.Unlock()
	cmd.SetErr(nil)
	return c.nodeFor(ctx, commandKey(cmd))
}

// moved reports whether err is a MOVED reply.
func moved(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "MOVED ") }

// ask sends cmd, which a node answered ASK (its slot is moving, and the
// key is not there), once to the node the reply names, after ASKING, on
// one connection; the slot map stays as it is. It follows only to a
// master the slot map knows. It changes nothing of a command answered
// otherwise.
func (c *cluster) ask(ctx context.Context, cmd redis.Cmder) error {
	addr, ok := askedTo(cmd.Err())
	if !ok {
		return nil
	}
	c.mu.Lock()
	node, known := c.master(addr)
	c.mu.Unlock()
	if !known {
		return fmt.Errorf("cluster: a node asked to send a command to %s, which serves no slot", addr)
	}
	cmd.SetErr(nil)
	_, _ = node.Pipelined(ctx, func(p redis.Pipeliner) error {
		_ = p.Process(ctx, redis.NewStatusCmd(ctx, "asking"))
		_ = p.Process(ctx, cmd)
		return nil
	})
	return nil
}

// askedTo returns the node an ASK reply names.
func askedTo(err error) (string, bool) {
	if err == nil || !strings.HasPrefix(err.Error(), "ASK ") {
		return "", false
	}
	f := strings.Fields(err.Error())
	if len(f) != 3 {
		return "", false
	}
	return f[2], true
}

// master returns the client of addr if it serves a slot of the map.
// Called with c.mu held.
func (c *cluster) master(addr string) (*redis.Client, bool) {
	if !slices.Contains(c.slots, addr) {
		return nil, false
	}
	return c.node(addr), true
}

// nodeFor returns the client of the master that owns key's slot; a
// command without a key goes to the master of slot 0.
func (c *cluster) nodeFor(ctx context.Context, key string) (*redis.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.slots == nil {
		if err := c.readSlots(ctx); err != nil {
			return nil, err
		}
	}
	addr := c.slots[slotOf(key)]
	if addr == "" {
		return nil, errors.New("cluster: no node serves the key's slot")
	}
	return c.node(addr), nil
}

// readSlots reads the slot map from the first node that answers CLUSTER
// SLOTS: the known nodes, then the seeds. Called with c.mu held.
func (c *cluster) readSlots(ctx context.Context) error {
	var tried []string
	for addr := range c.nodes {
		tried = append(tried, addr)
	}
	for _, s := range c.seeds {
		if _, ok := c.nodes[s]; !ok {
			tried = append(tried, s)
		}
	}
	var last error
	for _, addr := range tried {
		ranges, err := c.node(addr).ClusterSlots(ctx).Result()
		if err != nil {
			last = err
			continue
		}
		slots := make([]string, slotCount)
		for _, r := range ranges {
			if len(r.Nodes) == 0 || r.Start < 0 || r.End >= slotCount || r.Start > r.End {
				continue
			}
			for s := r.Start; s <= r.End; s++ {
				slots[s] = r.Nodes[0].Addr
			}
		}
		c.slots = slots
		return nil
	}
	return last
}

// node returns the client of addr, made on first use. Called with c.mu
// held.
func (c *cluster) node(addr string) *redis.Client {
	if n, ok := c.nodes[addr]; ok {
		return n
	}
	opt := c.opt
	opt.Addr = addr
	n := redis.NewClient(&opt)
	c.nodes[addr] = n
	return n
}

// masters returns the client of each master that serves a slot.
func (c *cluster) masters(ctx context.Context) ([]*redis.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.slots == nil {
		if err := c.readSlots(ctx); err != nil {
			return nil, err
		}
	}
	seen := make(map[string]bool)
	var out []*redis.Client
	for _, addr := range c.slots {
		if addr != "" && !seen[addr] {
			seen[addr] = true
			out = append(out, c.node(addr))
		}
	}
	return out, nil
}

// close closes every node's client.
func (c *cluster) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, n := range c.nodes {
		errs = append(errs, n.Close())
	}
	return errors.Join(errs...)
}

// keyless are the commands the store sends that name no key.
var keyless = map[string]bool{"ping": true, "info": true, "config": true, "cluster": true, "script": true}

// commandKey returns the key a command's slot is taken from: the first
// key of EVAL and EVALSHA, the first argument of the store's other keyed
// commands, or "" for a command without a key.
func commandKey(cmd redis.Cmder) string {
	args := cmd.Args()
	name := strings.ToLower(cmd.Name())
	pos := 1
	switch {
	case keyless[name]:
		return ""
	case name == "eval" || name == "evalsha":
		if len(args) < 4 || argString(args[2]) == "0" {
			return ""
		}
		pos = 3
	}
	if len(args) <= pos {
		return ""
	}
	return argString(args[pos])
}

// argString is a command's argument as text.
func argString(a any) string {
	switch v := a.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case int:
		return strconv.Itoa(v)
	}
	return ""
}

// slotOf is the hash slot of key: CRC16 (XMODEM) of its hash tag, the
// part between the first { and the next }, when that part is not empty,
// or of the whole key, modulo 16384.
func slotOf(key string) int {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			key = key[i+1 : i+1+j]
		}
	}
	var crc uint16
	for k := 0; k < len(key); k++ {
		crc ^= uint16(key[k]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return int(crc) % slotCount
}
