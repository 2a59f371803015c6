package houston

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/jsonx"
)

// reflected is Deployment without its decoder: what json/v2's reflection
// makes of the same bytes.
type reflected Deployment

// A deployment decodes to exactly what json/v2's reflection gives, and
// fails where it fails.
func TestDeploymentDecodesAsReflection(t *testing.T) {
	for name, body := range map[string]string{
		"full": `{"id":"d1","type":"airflow","label":"Prod","description":"the one","releaseName":"stellar-nova-1234",
			"namespace":"astronomer-stellar","clusterId":"c1","version":"0.30.0","airflowVersion":"2.8.1",
			"desiredAirflowVersion":"2.9.0","runtimeVersion":"10.0.0","desiredRuntimeVersion":"11.0.0",
			"runtimeAirflowVersion":"2.8.1","status":"HEALTHY","workspace":{"id":"w1","label":"Data"},
			"urls":[{"type":"airflow","url":"https://x"}],"deployInfo":{"current":"cli-1","nextCli":"cli-2"},
			"dagDeployment":{"type":"image"},"config":{"executor":"CeleryExecutor","n":[1,2]},
			"roleBindings":[{"role":"DEPLOYMENT_ADMIN"}],"createdAt":"2024-01-02T03:04:05.678Z","updatedAt":"2024-02-03T04:05:06Z"}`,
		"few":           `{"id":"d1","label":"Prod","releaseName":"stellar-nova-1234","status":"HEALTHY"}`,
		"nulls":         `{"id":"d1","label":null,"workspace":null,"urls":null,"createdAt":null,"status":""}`,
		"unknown":       `{"id":"d1","extra":{"deep":[1,{"x":null}]},"label":"a","more":true}`,
		"case":          `{"ID":"d1","Label":"a","RELEASENAME":"r","Workspace":{"id":"w"},"release_name":"x","StAtUs":"s"}`,
		"repeated":      `{"id":"a","id":"b","label":"x","label":null,"status":"s","status":"t"}`,
		"escapes":       `{"id":"d\u00e9","label":"tab\there \"quoted\" \ud83d\ude00","status":"\/"}`,
		"invalid utf-8": "{\"id\":\"d\xff\",\"label\":\"b\xfe\"}",
		"escaped names": `{"\u0069d":"d1","la\u0062el":"x","st\u00e4tus":"y","\u00ff":1}`,
		"empty":         `{}`,
		"null":          `null`,
		"number label":  `{"id":"d1","label":5}`,
		"object label":  `{"id":"d1","label":{"a":1}}`,
		"array":         `[1]`,
		"string":        `"d1"`,
		"truncated":     `{"id":"d1","label":"a"`,
		"bad workspace": `{"id":"d1","workspace":"w"}`,
		"number id":     `{"id":7}`,
	} {
		t.Run(name, func(t *testing.T) {
			var want reflected
			wantErr := jsonx.Unmarshal([]byte(body), &want)
			var got Deployment
			err := jsonx.Unmarshal([]byte(body), &got)
			if wantErr != nil {
				assert.Error(t, err, "json/v2 fails: %v", wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, Deployment(want), got)
		})
	}
	// In a list, with null elements, as a workspace's deployments arrive.
	body := `{"a":[{"id":"1","label":"x"},null,{"id":"2","status":"s"}],"b":null}`
	var want map[string]*[]*reflected
	require.NoError(t, jsonx.Unmarshal([]byte(body), &want))
	var got map[string]*[]*Deployment
	require.NoError(t, jsonx.Unmarshal([]byte(body), &got))
	require.Len(t, *got["a"], 3)
	assert.Nil(t, (*got["a"])[1])
	assert.Equal(t, Deployment(*(*want["a"])[0]), *(*got["a"])[0])
	assert.Equal(t, Deployment(*(*want["a"])[2]), *(*got["a"])[2])
	assert.Nil(t, got["b"])
}

// BenchmarkWorkspaceDeploymentsDecode decodes what GetWorkspaceDeployments
// answers for 24 workspaces of 100 deployments each (id, label,
// releaseName, status), through Deployment's decoder and through json/v2's
// reflection.
//
//	go test ./backends/houston -run '^$' -bench WorkspaceDeploymentsDecode -benchmem
func BenchmarkWorkspaceDeploymentsDecode(b *testing.B) {
	var body []byte
	body = append(body, '{')
	for w := range 24 {
		if w > 0 {
			body = append(body, ',')
		}
		body = fmt.Appendf(body, `"w%d":[`, w)
		for d := range 100 {
			if d > 0 {
				body = append(body, ',')
			}
			body = fmt.Appendf(body, `{"id":"clr%04d%04dxyzabcdefghij","label":"Deployment %d of %d","releaseName":"stellar-nova-%04d","status":"HEALTHY"}`, w, d, d, w, d)
		}
		body = append(body, ']')
	}
	body = append(body, '}')
	b.Run("own", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m map[string]*[]*Deployment
			if err := jsonx.Unmarshal(body, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reflection", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m map[string]*[]*reflected
			if err := jsonx.Unmarshal(body, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
