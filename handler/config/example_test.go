package config_test

import (
	"fmt"

	"vodrefresh/handler/config"
)

// Parse reads and validates a configuration document, and reports every
// problem it finds with the field's path.
func ExampleParse() {
	cfg, err := config.Parse([]byte(`
domains: [https://img.example.com]
oss:
  - bucket: media-bucket
    prefix: images/
    urls: ["https://img.example.com/{key}"]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(cfg.OSS), "rule for bucket", cfg.OSS[0].Bucket)

	_, err = config.Parse([]byte(`
domains: [https://img.example.com]
oss:
  - bucket: media-bucket
    objectTyp: Directory
    urls: ["https://img.example.com/{key}"]
`))
	fmt.Println(err)
	// Output:
	// 1 rule for bucket media-bucket
	// invalid configuration:
	//   oss[0].objectTyp: unknown field; did you mean objectType? (line 5)
}
