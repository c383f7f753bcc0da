package config

// NotifyConfig is where the planner's timer sends its notices.
type NotifyConfig struct {
	Sinks []SinkConfig `yaml:"sinks" validate:"dive"`
	// QuotaBelow is the share of the daily URL or directory quota, in
	// percent, under which a quota notice is sent, once a quota day
	// (default 10).
	QuotaBelow int `yaml:"quotaBelow" validate:"gte=0,lte=100"`
}

// SinkConfig is one receiver of notices.
type SinkConfig struct {
	// Kind is webhook (a JSON POST signed the Standard Webhooks way),
	// dingtalk (a DingTalk custom robot, signed) or feishu (a Feishu or
	// Lark custom bot, signed).
	Kind string `yaml:"kind" validate:"required,oneof=webhook dingtalk feishu"`
	// URLEnv names the environment variable that holds the sink's URL: a
	// robot's URL carries its access token, so it is a secret too.
	URLEnv string `yaml:"urlEnv" validate:"required,envname"`
	// SecretEnv names the environment variable that holds the signing
	// secret (a whsec_ key for webhook; the robot's "sign" secret).
	SecretEnv string `yaml:"secretEnv" validate:"required,envname"`
	// Events are what the sink is told: failed, quota, deferred
	// (the default: all three), completed and summary (the day before,
	// once a quota day).
	Events []string `yaml:"events" validate:"dive,oneof=failed quota deferred completed summary"`
}

// DefaultQuotaBelow is the quota notice's threshold, in percent.
const DefaultQuotaBelow = 10

// Below returns the quota notice's threshold, in percent.
func (n NotifyConfig) Below() int { return orDefault(n.QuotaBelow, DefaultQuotaBelow) }

// Wants reports whether the sink is told of event.
func (s SinkConfig) Wants(event string) bool {
	if len(s.Events) == 0 {
		return event == "failed" || event == "quota" || event == "deferred"
	}
	for _, e := range s.Events {
		if e == event {
			return true
		}
	}
	return false
}
