// Package kubernetes holds the gateway's Kubernetes manifests (a kustomize
// base and overlays) and the test that renders and validates them.
package kubernetes

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

// rendered is one kustomization's output, decoded strictly into the
// Kubernetes API types: a field the API does not know (a typo, a field at
// the wrong level) fails the decoding, as the API server would refuse it.
type rendered struct {
	deployments []*appsv1.Deployment
	services    []*corev1.Service
	configMaps  []*corev1.ConfigMap
	accounts    []*corev1.ServiceAccount
	pdbs        []*policyv1.PodDisruptionBudget
	hpas        []*autoscalingv2.HorizontalPodAutoscaler
}

func render(t *testing.T, dir string) rendered {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		if os.Getenv("REQUIRE_KUBECTL") != "" {
			t.Fatal("kubectl not found, and REQUIRE_KUBECTL is set")
		}
		t.Skip("kubectl not found: the manifests are rendered with kubectl kustomize")
	}
	var stderr bytes.Buffer
	cmd := exec.Command(kubectl, "kustomize", dir)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "kubectl kustomize %s: %s", dir, stderr.String())
	var r rendered
	for _, doc := range strings.Split(string(out), "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var tm metav1.TypeMeta
		require.NoError(t, yaml.Unmarshal([]byte(doc), &tm))
		strict := func(into any) {
			t.Helper()
			require.NoError(t, yaml.UnmarshalStrict([]byte(doc), into), "%s %s:\n%s", tm.APIVersion, tm.Kind, doc)
		}
		switch tm.APIVersion + " " + tm.Kind {
		case "apps/v1 Deployment":
			d := &appsv1.Deployment{}
			strict(d)
			r.deployments = append(r.deployments, d)
		case "v1 Service":
			s := &corev1.Service{}
			strict(s)
			r.services = append(r.services, s)
		case "v1 ConfigMap":
			c := &corev1.ConfigMap{}
			strict(c)
			r.configMaps = append(r.configMaps, c)
		case "v1 ServiceAccount":
			a := &corev1.ServiceAccount{}
			strict(a)
			r.accounts = append(r.accounts, a)
		case "policy/v1 PodDisruptionBudget":
			p := &policyv1.PodDisruptionBudget{}
			strict(p)
			r.pdbs = append(r.pdbs, p)
		case "autoscaling/v2 HorizontalPodAutoscaler":
			h := &autoscalingv2.HorizontalPodAutoscaler{}
			strict(h)
			r.hpas = append(r.hpas, h)
		default:
			t.Fatalf("unexpected kind %s %s: add it to this test", tm.APIVersion, tm.Kind)
		}
	}
	return r
}

func (r rendered) deployment(t *testing.T, name string) *appsv1.Deployment {
	t.Helper()
	for _, d := range r.deployments {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("no Deployment %s", name)
	return nil
}

func (r rendered) configMap(t *testing.T, name string) *corev1.ConfigMap {
	t.Helper()
	for _, c := range r.configMaps {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no ConfigMap %s", name)
	return nil
}

// consistent checks what the API server would accept but a cluster would
// not run well: selectors that select nothing, probes, security context,
// references to objects that are not there.
func consistent(t *testing.T, r rendered) {
	t.Helper()
	podLabels := map[string]labels.Set{}
	for _, d := range r.deployments {
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		require.NoError(t, err)
		assert.True(t, sel.Matches(labels.Set(d.Spec.Template.Labels)), "%s: the selector selects its own pods", d.Name)
		podLabels[d.Name] = d.Spec.Template.Labels
		ps := d.Spec.Template.Spec
		require.NotNil(t, ps.SecurityContext, d.Name)
		assert.True(t, ps.SecurityContext.RunAsNonRoot != nil && *ps.SecurityContext.RunAsNonRoot, "%s runs as non-root", d.Name)
		assert.False(t, ps.AutomountServiceAccountToken == nil || *ps.AutomountServiceAccountToken, "%s mounts no API token", d.Name)
		for _, c := range ps.Containers {
			assert.NotEmpty(t, c.Resources.Requests, "%s/%s has resource requests", d.Name, c.Name)
			assert.NotEmpty(t, c.Resources.Limits, "%s/%s has resource limits", d.Name, c.Name)
			assert.NotNil(t, c.ReadinessProbe, "%s/%s has a readiness probe", d.Name, c.Name)
			assert.NotNil(t, c.LivenessProbe, "%s/%s has a liveness probe", d.Name, c.Name)
			require.NotNil(t, c.SecurityContext, "%s/%s", d.Name, c.Name)
			assert.False(t, *c.SecurityContext.AllowPrivilegeEscalation, "%s/%s", d.Name, c.Name)
			assert.Contains(t, c.SecurityContext.Capabilities.Drop, corev1.Capability("ALL"), "%s/%s", d.Name, c.Name)
			for _, ef := range c.EnvFrom {
				if ef.ConfigMapRef != nil {
					r.configMap(t, ef.ConfigMapRef.Name)
				}
			}
		}
	}
	selects := func(what string, sel labels.Selector) {
		t.Helper()
		n := 0
		for _, l := range podLabels {
			if sel.Matches(l) {
				n++
			}
		}
		assert.Equal(t, 1, n, "%s selects the pods of exactly one Deployment", what)
	}
	for _, s := range r.services {
		selects("Service "+s.Name, labels.SelectorFromSet(s.Spec.Selector))
	}
	for _, p := range r.pdbs {
		sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
		require.NoError(t, err)
		selects("PodDisruptionBudget "+p.Name, sel)
	}
	for _, h := range r.hpas {
		assert.Equal(t, "Deployment", h.Spec.ScaleTargetRef.Kind)
		d := r.deployment(t, h.Spec.ScaleTargetRef.Name)
		require.NotNil(t, h.Spec.MinReplicas)
		assert.Equal(t, *d.Spec.Replicas, *h.Spec.MinReplicas, "the HPA's floor is the Deployment's replicas")
	}

	// The gateway: probes on its health endpoints, a grace period that
	// covers the preStop sleep and SHUTDOWN_GRACE.
	gw := r.deployment(t, "astro-gateway")
	ps := gw.Spec.Template.Spec
	c := ps.Containers[0]
	assert.Equal(t, "/readyz", c.ReadinessProbe.HTTPGet.Path)
	assert.Equal(t, "/healthz", c.LivenessProbe.HTTPGet.Path)
	assert.True(t, *c.SecurityContext.ReadOnlyRootFilesystem)
	grace, err := time.ParseDuration(r.configMap(t, "astro-gateway").Data["SHUTDOWN_GRACE"])
	require.NoError(t, err)
	preStop := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	assert.Less(t, preStop+grace, time.Duration(*ps.TerminationGracePeriodSeconds)*time.Second,
		"the kubelet waits for the preStop sleep and the gateway's grace period")
	var secretRef bool
	for _, e := range c.Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil && e.Name == "ASTRO_API_TOKEN" {
			secretRef = true
		}
		assert.NotContains(t, e.Name, "TOKEN_VALUE")
		if strings.Contains(e.Name, "TOKEN") || strings.Contains(e.Name, "KEYS") {
			assert.Empty(t, e.Value, "%s comes from a Secret, never inline", e.Name)
		}
	}
	assert.True(t, secretRef, "service tokens come from a Secret reference")
}

// TestBase renders the base and validates it.
func TestBase(t *testing.T) {
	r := render(t, "base")
	consistent(t, r)
	assert.Len(t, r.deployments, 1, "no Redis in the base")
	assert.Empty(t, r.configMap(t, "astro-gateway").Data["REDIS_URL"])
	assert.Len(t, r.pdbs, 1)
	assert.Len(t, r.hpas, 1)
}

// TestRedisHA renders the overlay: three gateway replicas sharing a Redis.
func TestRedisHA(t *testing.T) {
	r := render(t, "overlays/redis-ha")
	consistent(t, r)
	assert.Equal(t, int32(3), *r.deployment(t, "astro-gateway").Spec.Replicas)
	redis := r.deployment(t, "astro-gateway-redis")
	assert.Equal(t, "redis://astro-gateway-redis:6379/0", r.configMap(t, "astro-gateway").Data["REDIS_URL"])
	var svc bool
	for _, s := range r.services {
		if s.Name == "astro-gateway-redis" {
			svc = labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(redis.Spec.Template.Labels))
		}
	}
	assert.True(t, svc, "REDIS_URL's host is a Service selecting the Redis pod")
	assert.Equal(t, int32(2), r.pdbs[0].Spec.MinAvailable.IntVal)
}
