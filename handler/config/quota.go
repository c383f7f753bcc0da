package config

import (
	"cmp"
	"time"
)

// QuotaConfig is the quota budgeting policy.
type QuotaConfig struct {
	// MaxURLShare is the largest share of the remaining URL quota that one
	// invocation may spend before its URLs are coalesced into directories
	// (default 0.5; 1 spends up to all of it).
	MaxURLShare float64 `yaml:"maxUrlShare" validate:"gte=0,lte=1"`
	// MinDirectoryDepth is the shallowest folder a coalesced directory may
	// be (default 1: never a bare domain root).
	MinDirectoryDepth *int `yaml:"minDirectoryDepth" validate:"omitempty,gte=0,lte=64"`
	// MaxDirsPerEvent caps the directories that coalescing makes for one
	// invocation (default 10).
	MaxDirsPerEvent int `yaml:"maxDirsPerEvent" validate:"gte=0,lte=100"`
	// CacheTTL is how long a quota reading is reused (default 60s).
	CacheTTL time.Duration `yaml:"cacheTTL" validate:"gte=0"`
	// DenseFolder is how many files one invocation must change in one
	// folder for the folder to be refreshed as one directory, even when
	// the quota is not short (default 20: the daily quotas trade 2,000
	// URLs for 100 directories; 0 means the default, above 1000 never).
	DenseFolder int `yaml:"denseFolder" validate:"gte=0,lte=1000000"`
}

// Defaults of the quota policy.
const (
	DefaultMaxURLShare     = 0.5
	DefaultMinDirDepth     = 1
	DefaultMaxDirsPerEvent = 10
	DefaultQuotaTTL        = 60 * time.Second
	DefaultDenseFolder     = 20
)

// Share returns the share of the remaining URL quota one invocation may spend.
func (q QuotaConfig) Share() float64 { return orDefault(q.MaxURLShare, DefaultMaxURLShare) }

// MaxDirs returns the most directories coalescing makes for one invocation.
func (q QuotaConfig) MaxDirs() int { return orDefault(q.MaxDirsPerEvent, DefaultMaxDirsPerEvent) }

// MinDepth returns the shallowest folder depth a coalesced directory may be.
func (q QuotaConfig) MinDepth() int {
	if q.MinDirectoryDepth != nil {
		return *q.MinDirectoryDepth
	}
	return DefaultMinDirDepth
}

// Dense returns how many files of one folder make it a directory refresh.
func (q QuotaConfig) Dense() int { return orDefault(q.DenseFolder, DefaultDenseFolder) }

// TTL returns how long a quota reading is reused.
func (q QuotaConfig) TTL() time.Duration { return orDefault(q.CacheTTL, DefaultQuotaTTL) }

// orDefault returns v, or def when v is zero (or, for a number, negative).
func orDefault[T cmp.Ordered](v, def T) T {
	var zero T
	if v > zero {
		return v
	}
	return def
}
