package graph

import (
	"context"
	"net/mail"
	"regexp"
	"strings"
	"unicode"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// Validation of Software mutation inputs. Everything here runs before any
// Houston request, and a refusal names the input field it is about
// ("input.role"), as extensions.field.

// maxHoustonID bounds a raw Houston id (Prisma cuids are 25 characters;
// UUIDs 36).
const maxHoustonID = 128

// softwareID reads an id of a Software mutation input: the global id of an
// object of type typ in this installation, or Houston's own id.
func softwareID(ctx context.Context, path, id, typ string) (string, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return "", fault.Input(path, "must not be empty")
	}
	if g, err := decodeID(id); err == nil {
		switch {
		case g.Type != typ:
			return "", fault.Input(path, "is the id of a %s, not of a %s", g.Type, typ)
		case g.Parts[0] != loader.For(ctx).Installation():
			return "", fault.Input(path, "belongs to the Software installation %q, not to this one", g.Parts[0])
		}
		return g.Parts[1], nil
	}
	if len(id) > maxHoustonID || strings.ContainsFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "", fault.Input(path, "is neither a global id nor a Houston id")
	}
	return id, nil
}

// required trims s and refuses it empty.
func required(path, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fault.Input(path, "must not be empty")
	}
	return s, nil
}

// optionalString trims s; a value given but blank is refused, as it is
// surely a mistake.
func optionalString(path string, s *string) (string, error) {
	if s == nil {
		return "", nil
	}
	return required(path, *s)
}

// email checks an e-mail address (a bare address, no display name).
func email(path, s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return "", fault.Input(path, "%q is not an e-mail address", s)
	}
	return s, nil
}

var versionPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+){1,2}([-+][0-9A-Za-z.-]+)?$`)

// version checks a Runtime or Airflow version such as "9.1.0".
func version(path, s string) (string, error) {
	s = strings.TrimSpace(s)
	if !versionPattern.MatchString(s) {
		return "", fault.Input(path, "%q is not a version such as 9.1.0", s)
	}
	return s, nil
}

func optionalVersion(path string, s *string) (string, error) {
	if s == nil {
		return "", nil
	}
	return version(path, *s)
}

// roleIn checks that r is a role of the scope (WORKSPACE, DEPLOYMENT or
// SYSTEM) and returns it as Houston spells it.
func roleIn(path string, r model.SoftwareRole, scope string) (string, error) {
	if !r.IsValid() || !strings.HasPrefix(string(r), scope+"_") {
		return "", fault.Input(path, "must be a %s_* role, got %s", scope, r)
	}
	return string(r), nil
}

func nonNegative(path string, n *int) (*int, error) {
	if n != nil && *n < 0 {
		return nil, fault.Input(path, "must be at least 0, got %d", *n)
	}
	return n, nil
}

// executor is Houston's name of an executor ("" for none).
func executor(e *model.SoftwareExecutor) string {
	if e == nil {
		return ""
	}
	switch *e {
	case model.SoftwareExecutorLocal:
		return "LocalExecutor"
	case model.SoftwareExecutorKubernetes:
		return "KubernetesExecutor"
	}
	return houston.DefaultExecutor
}

// mode is Houston's name of a deployment mode ("" for none).
func mode(m *model.SoftwareDeploymentMode) string {
	if m == nil {
		return ""
	}
	return strings.ToLower(string(*m))
}

// dagDeployment checks and converts how DAGs reach a deployment.
func dagDeployment(path string, in *model.SoftwareDagDeploymentInput) (*houston.DagDeploymentSpec, error) {
	if in == nil {
		return nil, nil
	}
	if in.SyncInterval != nil && *in.SyncInterval < 0 {
		return nil, fault.Input(path+".syncInterval", "must be at least 0, got %d", *in.SyncInterval)
	}
	if in.Type == model.SoftwareDagDeploymentTypeGitSync && strings.TrimSpace(deref(in.RepositoryURL)) == "" {
		return nil, fault.Input(path+".repositoryUrl", "is required for GIT_SYNC")
	}
	if in.Type == model.SoftwareDagDeploymentTypeVolume && strings.TrimSpace(deref(in.NfsLocation)) == "" {
		return nil, fault.Input(path+".nfsLocation", "is required for VOLUME")
	}
	spec := &houston.DagDeploymentSpec{
		Type: strings.ToLower(string(in.Type)), NfsLocation: deref(in.NfsLocation), RepositoryURL: deref(in.RepositoryURL),
		BranchName: deref(in.BranchName), Rev: deref(in.Rev), DagDirectoryLocation: deref(in.DagDirectoryLocation),
		SSHKey: deref(in.SSHKey), KnownHosts: deref(in.KnownHosts),
	}
	if in.SyncInterval != nil {
		spec.SyncInterval = *in.SyncInterval
	}
	return spec, nil
}

// inputs is a check that also reads and converts a Software input's fields
// in turn (ids are decoded with the request's context); the first refusal
// sticks and the later reads are skipped, so a mutation reads all its
// fields and then checks err once.
type inputs struct {
	ctx context.Context
	check
}

// keep returns a function that records err (if it is the first) and
// passes v through: keep[string](in)(required(path, s)).
func keep[T any](in *inputs) func(T, error) T {
	return func(v T, err error) T {
		if in.err == nil {
			in.err = err
		}
		return v
	}
}

func (in *inputs) id(path, id, typ string) string {
	if in.err != nil {
		return ""
	}
	return keep[string](in)(softwareID(in.ctx, path, id, typ))
}

func (in *inputs) required(path, s string) string {
	if in.err != nil {
		return ""
	}
	return keep[string](in)(required(path, s))
}

// secret refuses an empty s but keeps it as given (passwords are not
// trimmed).
func (in *inputs) secret(path, s string) string {
	if in.err == nil && s == "" {
		in.err = fault.Input(path, "must not be empty")
	}
	return s
}

func (in *inputs) optional(path string, s *string) string {
	if in.err != nil {
		return ""
	}
	return keep[string](in)(optionalString(path, s))
}

func (in *inputs) email(path, s string) string {
	if in.err != nil {
		return ""
	}
	return keep[string](in)(email(path, s))
}

func (in *inputs) version(path, s string) string {
	if in.err != nil {
		return ""
	}
	return keep[string](in)(version(path, s))
}

func (in *inputs) optionalVersion(path string, s *string) string {
	if in.err != nil {
		return ""
	}
	return keep[string](in)(optionalVersion(path, s))
}

func (in *inputs) role(path string, r model.SoftwareRole, scope string) string {
	if in.err != nil {
		return ""
	}
	return keep[string](in)(roleIn(path, r, scope))
}

func (in *inputs) nonNegative(path string, n *int) *int {
	if in.err != nil {
		return nil
	}
	return keep[*int](in)(nonNegative(path, n))
}

func (in *inputs) dagDeployment(path string, d *model.SoftwareDagDeploymentInput) *houston.DagDeploymentSpec {
	if in.err != nil {
		return nil
	}
	return keep[*houston.DagDeploymentSpec](in)(dagDeployment(path, d))
}
