package houston

import (
	"context"
	"errors"

	"github.com/vektah/gqlparser/v2/ast"
)

// AuthConfig tells how people log in. Houston answers it anonymously.
//
// Houston: query authConfig (AuthConfigGetRequest)
func (c *Client) AuthConfig(ctx context.Context, sel []Field) (*AuthConfig, error) {
	return one[AuthConfig](ctx, c, call{kind: ast.Query, opName: "GetAuthConfig", field: "authConfig", result: "AuthConfig", sel: sel})
}

// CreateToken logs a user in with a local password; select token{value}
// for the JWT to use with WithToken. Houston answers it anonymously.
//
// Houston: mutation createToken (TokenBasicCreateRequest)
func (c *Client) CreateToken(ctx context.Context, identity, password string, sel []Field) (*AuthUser, error) {
	return one[AuthUser](ctx, c, call{kind: ast.Mutation, opName: "createBasicToken", field: "createToken",
		args:   []arg{{"identity", typeString, identity}, {"password", typeStringNonNull, password}},
		result: "AuthUser", sel: sel})
}

// CreateUserRequest is a sign-up.
type CreateUserRequest struct {
	Email       string // required
	Password    string // required
	Username    string // default: the e-mail address
	InviteToken string
}

// CreateUser signs a user up and logs them in. Houston answers it
// anonymously.
//
// Houston: mutation createUser (UserCreateRequest)
func (c *Client) CreateUser(ctx context.Context, req CreateUserRequest, sel []Field) (*AuthUser, error) {
	return one[AuthUser](ctx, c, call{kind: ast.Mutation, opName: "CreateUser", field: "createUser",
		args: append([]arg{{"email", typeStringNonNull, req.Email}, {"password", typeStringNonNull, req.Password}},
			optional(arg{"username", typeString, req.Username}, arg{"inviteToken", typeString, req.InviteToken})...),
		result: "AuthUser", sel: sel})
}

// DeploymentConfig returns what deployments may be configured with
// (Astronomer Certified images, executors …).
//
// Houston: query deploymentConfig (DeploymentInfoRequest)
func (c *Client) DeploymentConfig(ctx context.Context, sel []Field) (*DeploymentConfig, error) {
	return one[DeploymentConfig](ctx, c, call{kind: ast.Query, opName: "DeploymentInfo", field: "deploymentConfig", result: "DeploymentConfig", sel: sel})
}

// RuntimeReleases lists the Astro Runtime releases a cluster offers,
// optionally only those built on airflowVersion. Houston ≥ 0.29.
//
// Houston: query runtimeReleases (GetRuntimeReleases)
func (c *Client) RuntimeReleases(ctx context.Context, airflowVersion, clusterID string, sel []Field) ([]*RuntimeRelease, error) {
	return many[RuntimeRelease](ctx, c, call{kind: ast.Query, opName: "runtimeReleases", field: "runtimeReleases",
		args:   optional(arg{"airflowVersion", typeString, airflowVersion}, arg{"clusterId", typeUuid, clusterID}),
		result: "RuntimeRelease", sel: sel})
}

// ErrClusterRequired is returned by AvailableNamespaces without a cluster id
// on Houston ≥ 1.0, which requires one.
var ErrClusterRequired = errors.New("houston: availableNamespaces needs a cluster id on Houston 1.0 and later")

// AvailableNamespaces lists the namespaces free for a new deployment: on a
// cluster (Houston ≥ 1.0, where clusterID is required), on the platform
// before 1.0 (where clusterID must be "").
//
// Houston: query availableNamespaces (AvailableNamespacesGetRequest)
func (c *Client) AvailableNamespaces(ctx context.Context, clusterID string, sel []Field) ([]*Namespace, error) {
	cl := call{kind: ast.Query, opName: "availableNamespaces", field: "availableNamespaces", result: "AvailableNamespace", sel: sel}
	if v := c.shapeVersion(ctx, true); AtLeast(v, "1.0.0") {
		if clusterID == "" {
			return nil, ErrClusterRequired
		}
		cl.args = []arg{{"clusterId", typeUuidNonNull, clusterID}}
	} else if clusterID != "" {
		return nil, &UnsupportedError{Version: v, Feature: "Query.availableNamespaces(clusterId)"}
	}
	return many[Namespace](ctx, c, cl)
}

// Self describes the caller.
//
// Houston: query self (2019 API; not used by the CLI)
func (c *Client) Self(ctx context.Context, sel []Field) (*AuthUser, error) {
	return one[AuthUser](ctx, c, call{kind: ast.Query, opName: "self", field: "self", result: "AuthUser", sel: sel})
}
