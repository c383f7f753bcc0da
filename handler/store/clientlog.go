package store

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/redis/go-redis/v9"
)

// clientLog sends the Redis client's own messages (a failed dial, say) to
// the function's log, as JSON lines at WARN, instead of plain text on
// stderr. They name the server's address, never its password. The client
// has one logger per process: the first Open sets it.
type clientLog struct{ log *slog.Logger }

// Printf logs one of the client's messages.
func (l clientLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "store: redis client", "message", fmt.Sprintf(format, v...))
}

var setClientLog sync.Once

func useClientLog(log *slog.Logger) {
	setClientLog.Do(func() { redis.SetLogger(clientLog{log}) })
}
