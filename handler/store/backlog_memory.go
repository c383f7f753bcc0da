package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
)

// lease is a lease of a Memory: its holder, until when.
type lease struct {
	holder string
	until  time.Time
}

// AddPending adds items to the backlog, keeping the first record of each.
func (m *Memory) AddPending(_ context.Context, items []Pending) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pending == nil {
		m.pending = make(map[Key]Pending)
	}
	for _, it := range items {
		k := it.key()
		if _, ok := m.pending[k]; ok {
			continue
		}
		if len(m.pending) >= MaxBacklog {
			return fmt.Errorf("the backlog holds %d changes, its most: %d more not recorded", len(m.pending), len(items))
		}
		m.pending[k] = it
	}
	return nil
}

// Pending returns the backlog.
func (m *Memory) Pending(context.Context) ([]Pending, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.AppendSeq(make([]Pending, 0, len(m.pending)), maps.Values(m.pending)), nil
}

// PendingCount returns the backlog's size.
func (m *Memory) PendingCount(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.pending), nil
}

// DropPending takes items out of the backlog.
func (m *Memory) DropPending(_ context.Context, items []Pending) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, it := range items {
		delete(m.pending, it.key())
	}
	return nil
}

// Lease takes the lease name for holder, unless another holds it.
func (m *Memory) Lease(_ context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.leases == nil {
		m.leases = make(map[string]lease)
	}
	if l, ok := m.leases[name]; ok && l.holder != holder && now.Before(l.until) {
		return false, nil
	}
	m.leases[name] = lease{holder: holder, until: now.Add(ttl)}
	return true, nil
}

// Release gives the lease name back, if holder has it.
func (m *Memory) Release(_ context.Context, name, holder string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.leases[name]; ok && l.holder == holder {
		delete(m.leases, name)
	}
	return nil
}

// Track follows tasks, keeping the first record of each.
func (m *Memory) Track(_ context.Context, tasks []Tracked) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tracked == nil {
		m.tracked = make(map[string]Tracked)
	}
	for _, t := range tasks {
		if _, ok := m.tracked[t.TaskID]; ok {
			continue
		}
		if len(m.tracked) >= MaxTracked {
			return fmt.Errorf("%d tasks are followed, the most: %d more not followed", len(m.tracked), len(tasks))
		}
		m.tracked[t.TaskID] = t
	}
	return nil
}

// TrackedTasks returns the tasks followed.
func (m *Memory) TrackedTasks(context.Context) ([]Tracked, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.AppendSeq(make([]Tracked, 0, len(m.tracked)), maps.Values(m.tracked)), nil
}

// Untrack stops following the tasks with these IDs.
func (m *Memory) Untrack(_ context.Context, ids []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		delete(m.tracked, id)
	}
	return nil
}
