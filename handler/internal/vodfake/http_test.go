package vodfake

import (
	"net/http"
	"time"
)

// httpPost posts an empty body and returns the status.
func httpPost(u string) (int, error) {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Post(u, "application/x-www-form-urlencoded", nil)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
