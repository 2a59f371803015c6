package houston

import (
	"context"

	"github.com/vektah/gqlparser/v2/ast"
)

// Roles, as Houston spells them.
const (
	RoleSystemAdmin      = "SYSTEM_ADMIN"
	RoleSystemEditor     = "SYSTEM_EDITOR"
	RoleSystemViewer     = "SYSTEM_VIEWER"
	RoleWorkspaceAdmin   = "WORKSPACE_ADMIN"
	RoleWorkspaceEditor  = "WORKSPACE_EDITOR"
	RoleWorkspaceViewer  = "WORKSPACE_VIEWER"
	RoleDeploymentAdmin  = "DEPLOYMENT_ADMIN"
	RoleDeploymentEditor = "DEPLOYMENT_EDITOR"
	RoleDeploymentViewer = "DEPLOYMENT_VIEWER"
)

// DefaultExecutor is the executor of a deployment created without one, as
// the CLI chooses.
const DefaultExecutor = "CeleryExecutor"

// DagDeploymentSpec is how DAGs reach a deployment; empty fields are not
// sent (Houston keeps the current setting).
type DagDeploymentSpec struct {
	Type                 string // image, volume, git_sync or dag_deploy
	NfsLocation          string
	RepositoryURL        string
	BranchName           string
	Rev                  string
	DagDirectoryLocation string
	SyncInterval         int
	SSHKey               string
	KnownHosts           string
}

// input is the DagDeployment input object, {} when d is nil, as the CLI
// sends it.
func (d *DagDeploymentSpec) input() map[string]any {
	out := map[string]any{}
	if d == nil {
		return out
	}
	for k, v := range map[string]any{"type": d.Type, "nfsLocation": d.NfsLocation, "repositoryUrl": d.RepositoryURL,
		"branchName": d.BranchName, "rev": d.Rev, "dagDirectoryLocation": d.DagDirectoryLocation,
		"syncInterval": d.SyncInterval, "sshKey": d.SSHKey, "knownHosts": d.KnownHosts} {
		if !isZero(v) {
			out[k] = v
		}
	}
	return out
}

// CreateDeploymentRequest is what a new deployment is made of.
type CreateDeploymentRequest struct {
	WorkspaceID       string // required
	Label             string // required, unique in the workspace
	Description       string
	ClusterID         string // Houston ≥ 1.0 (required there when it has several clusters)
	ReleaseName       string // only where the platform allows manual release names
	Namespace         string
	RuntimeVersion    string // Houston ≥ 0.29; default: the newest release
	AirflowVersion    string // Houston < 1.0: an Astronomer Certified image instead of Runtime
	Executor          string // default DefaultExecutor
	TriggererReplicas *int   // Houston ≥ 0.28
	DagDeployment     *DagDeploymentSpec
	CloudRole         string
	Mode              string // helm or operator, Houston ≥ 2.1
}

// CreateDeployment creates a deployment, with upsertDeployment on Houston ≥
// 1.0 and createDeployment before.
//
// Houston: mutation upsertDeployment / createDeployment (DeploymentCreateRequest)
func (c *Client) CreateDeployment(ctx context.Context, req CreateDeploymentRequest, sel []Field) (*Deployment, error) {
	executor := req.Executor
	if executor == "" {
		executor = DefaultExecutor
	}
	args := append([]arg{
		{"workspaceUuid", typeUuid, req.WorkspaceID},
		{"label", typeString, req.Label},
		{"dagDeployment", typeDagDeployment, req.DagDeployment.input()},
	}, optional(
		arg{"description", typeString, req.Description},
		arg{"releaseName", typeString, req.ReleaseName},
		arg{"namespace", typeString, req.Namespace},
		arg{"runtimeVersion", typeString, req.RuntimeVersion},
		arg{"cloudRole", typeString, req.CloudRole},
		arg{"triggerer.replicas", typeInt, req.TriggererReplicas},
	)...)
	cl := call{kind: ast.Mutation, opName: "upsertDeployment", field: "upsertDeployment", result: "Deployment", sel: sel}
	if AtLeast(c.shapeVersion(ctx, true), "1.0.0") {
		cl.args = append(args, optional(
			arg{"executor", typeExecutor, executor},
			arg{"clusterId", typeUuid, req.ClusterID},
			arg{"mode", typeMode, req.Mode},
		)...)
		if req.AirflowVersion != "" {
			return nil, &UnsupportedError{Version: c.versionOrNewest(ctx), Feature: "Mutation.upsertDeployment(airflowVersion)"}
		}
	} else {
		for name, v := range map[string]string{"clusterId": req.ClusterID, "mode": req.Mode} {
			if v != "" {
				return nil, &UnsupportedError{Version: c.versionOrNewest(ctx), Feature: "Mutation.createDeployment(" + name + ")"}
			}
		}
		cl.opName, cl.field = "CreateDeployment", "createDeployment"
		args[0].varType, args[1].varType = typeUuidNonNull, typeStringNonNull
		cl.args = append(args, arg{"executor", typeExecutorNN, executor}, arg{"type", typeString, "airflow"})
		cl.args = append(cl.args, optional(arg{"airflowVersion", typeString, req.AirflowVersion})...)
	}
	return one[Deployment](ctx, c, cl)
}

// versionOrNewest is the installed version for messages, or the newest.
func (c *Client) versionOrNewest(ctx context.Context) string {
	return versionName(c.shapeVersion(ctx, true))
}

// UpdateDeploymentRequest changes a deployment; nil and empty fields are
// kept as they are.
type UpdateDeploymentRequest struct {
	ID                string // required
	Label             *string
	Description       *string
	Executor          string
	TriggererReplicas *int
	DagDeployment     *DagDeploymentSpec
	CloudRole         string
}

// UpdateDeployment changes a deployment, with upsertDeployment on Houston ≥
// 1.0 and updateDeployment before.
//
// Houston: mutation upsertDeployment / updateDeployment (DeploymentUpdateRequest)
func (c *Client) UpdateDeployment(ctx context.Context, req UpdateDeploymentRequest, sel []Field) (*Deployment, error) {
	common := append([]arg{{"dagDeployment", typeDagDeployment, req.DagDeployment.input()}}, optional(
		arg{"executor", typeExecutor, req.Executor},
		arg{"cloudRole", typeString, req.CloudRole},
		arg{"triggerer.replicas", typeInt, req.TriggererReplicas},
	)...)
	cl := call{kind: ast.Mutation, opName: "upsertDeployment", field: "upsertDeployment", result: "Deployment", sel: sel}
	if AtLeast(c.shapeVersion(ctx, true), "1.0.0") {
		cl.args = append([]arg{{"deploymentUuid", typeUuidNonNull, req.ID}}, common...)
		if req.Label != nil {
			cl.args = append(cl.args, arg{"label", typeString, *req.Label})
		}
		if req.Description != nil {
			cl.args = append(cl.args, arg{"description", typeString, *req.Description})
		}
	} else {
		payload := map[string]any{}
		if req.Label != nil {
			payload["label"] = *req.Label
		}
		if req.Description != nil {
			payload["description"] = *req.Description
		}
		cl.opName, cl.field = "UpdateDeployment", "updateDeployment"
		cl.args = append([]arg{{"deploymentUuid", typeUuidNonNull, req.ID}, {"payload", typeJSONNonNull, payload}}, common...)
	}
	return one[Deployment](ctx, c, cl)
}

// UpdateDeploymentImage deploys an image to the deployment named
// releaseName, with upsertDeployment on Houston ≥ 2.1 and
// updateDeploymentImage from 0.29.2 to 2.0. runtimeVersion may be "" (an
// image without the Runtime label).
//
// Houston: mutation upsertDeployment / updateDeploymentImage (DeploymentImageUpdateRequest)
func (c *Client) UpdateDeploymentImage(ctx context.Context, releaseName, image, runtimeVersion string, sel []Field) (*Deployment, error) {
	cl := call{kind: ast.Mutation, opName: "upsertDeployment", field: "upsertDeployment", result: "Deployment", sel: sel,
		args: []arg{{"releaseName", typeStringNonNull, releaseName}, {"image", typeStringNonNull, image},
			{"runtimeVersion", typeStringNonNull, runtimeVersion}}}
	if !AtLeast(c.shapeVersion(ctx, true), "2.1.0") {
		cl.opName, cl.field = "updateDeploymentImage", "updateDeploymentImage"
	}
	return one[Deployment](ctx, c, cl)
}

// DeleteDeployment deletes a deployment. A hard delete (what the CLI always
// asks for) frees its release name; a soft one keeps it taken.
//
// Houston: mutation deleteDeployment (DeploymentDeleteRequest)
func (c *Client) DeleteDeployment(ctx context.Context, id string, hard bool, sel []Field) (*Deployment, error) {
	return one[Deployment](ctx, c, call{kind: ast.Mutation, opName: "DeleteDeployment", field: "deleteDeployment",
		args:   []arg{{"deploymentUuid", typeUuidNonNull, id}, {"deploymentHardDelete", typeBoolean, hard}},
		result: "Deployment", sel: sel})
}

// UpdateDeploymentRuntime asks for an Astro Runtime upgrade (or a migration
// from Astronomer Certified). Houston ≥ 0.29.
//
// Houston: mutation updateDeploymentRuntime (UpdateDeploymentRuntimeRequest)
func (c *Client) UpdateDeploymentRuntime(ctx context.Context, id, desiredRuntimeVersion string, sel []Field) (*Deployment, error) {
	return one[Deployment](ctx, c, call{kind: ast.Mutation, opName: "updateDeploymentRuntime", field: "updateDeploymentRuntime",
		args:   []arg{{"deploymentUuid", typeUuidNonNull, id}, {"desiredRuntimeVersion", typeStringNonNull, desiredRuntimeVersion}},
		result: "Deployment", sel: sel})
}

// CancelRuntimeUpdate drops a pending Runtime upgrade or migration.
// Houston ≥ 0.29.
//
// Houston: mutation cancelRuntimeUpdate (CancelUpdateDeploymentRuntimeRequest)
func (c *Client) CancelRuntimeUpdate(ctx context.Context, id string, sel []Field) (*Deployment, error) {
	return one[Deployment](ctx, c, call{kind: ast.Mutation, opName: "cancelRuntimeUpdate", field: "cancelRuntimeUpdate",
		args: []arg{{"deploymentUuid", typeUuidNonNull, id}}, result: "Deployment", sel: sel})
}

// UpdateDeploymentAirflow asks for an Astronomer Certified upgrade; asking
// for the current version cancels one.
//
// Houston: mutation updateDeploymentAirflow (UpdateDeploymentAirflowRequest)
func (c *Client) UpdateDeploymentAirflow(ctx context.Context, id, desiredAirflowVersion string, sel []Field) (*Deployment, error) {
	return one[Deployment](ctx, c, call{kind: ast.Mutation, opName: "updateDeploymentAirflow", field: "updateDeploymentAirflow",
		args:   []arg{{"deploymentUuid", typeUuidNonNull, id}, {"desiredAirflowVersion", typeStringNonNull, desiredAirflowVersion}},
		result: "Deployment", sel: sel})
}

// AdoptDeploymentRequest names an operator-managed Airflow custom resource
// to record as a deployment.
type AdoptDeploymentRequest struct {
	WorkspaceID             string
	ClusterID               string
	CRNamespace             string
	CRName                  string
	Label                   string // default: the resource's name
	Description             string
	UseAPCLogging           bool
	UseAPCRegistry          bool
	AcceptIncompatibilities bool
}

// AdoptDeployment records an existing Airflow custom resource as a
// deployment. Houston ≥ 2.1.
//
// Houston: mutation adoptDeployment (AdoptDeploymentRequestMutation)
func (c *Client) AdoptDeployment(ctx context.Context, req AdoptDeploymentRequest, sel []Field) (*Deployment, error) {
	return one[Deployment](ctx, c, call{kind: ast.Mutation, opName: "AdoptDeployment", field: "adoptDeployment",
		args: []arg{
			{"workspaceUuid", typeUuidNonNull, req.WorkspaceID}, {"clusterId", typeUuidNonNull, req.ClusterID},
			{"crNamespace", typeStringNonNull, req.CRNamespace}, {"crName", typeStringNonNull, req.CRName},
			{"label", typeString, req.Label}, {"description", typeString, req.Description},
			{"useApcLogging", typeBoolean, req.UseAPCLogging}, {"useApcRegistry", typeBoolean, req.UseAPCRegistry},
			{"acceptIncompatibilities", typeBoolean, req.AcceptIncompatibilities},
		}, result: "Deployment", sel: sel})
}

// UnadoptDeployment forgets a deployment's record, leaving its Kubernetes
// resources alone. Houston ≥ 2.1.
//
// Houston: mutation unadoptDeployment (UnadoptDeploymentRequestMutation)
func (c *Client) UnadoptDeployment(ctx context.Context, id string, sel []Field) (*Deployment, error) {
	return one[Deployment](ctx, c, call{kind: ast.Mutation, opName: "UnadoptDeployment", field: "unadoptDeployment",
		args: []arg{{"deploymentUuid", typeUuidNonNull, id}}, result: "Deployment", sel: sel})
}

// UserFilter narrows a list of users; empty fields match everyone.
type UserFilter struct {
	UserID   string
	Email    string
	FullName string
}

// DeploymentUsers lists the users with a role on a deployment.
//
// Houston: query deploymentUsers (DeploymentUserListRequest)
func (c *Client) DeploymentUsers(ctx context.Context, deploymentID string, f UserFilter, sel []Field) ([]*User, error) {
	return many[User](ctx, c, call{kind: ast.Query, opName: "deploymentUsers", field: "deploymentUsers",
		args: []arg{{"deploymentId", typeIDNonNull, deploymentID},
			{"user", typeUserSearch, map[string]any{"userId": f.UserID, "email": f.Email, "fullName": f.FullName}}},
		result: "User", sel: sel})
}

// DeploymentAddUserRole gives the user with this e-mail address a
// deployment role (a DEPLOYMENT_* role).
//
// Houston: mutation deploymentAddUserRole (DeploymentUserAddRequest)
func (c *Client) DeploymentAddUserRole(ctx context.Context, deploymentID, email, role string, sel []Field) (*RoleBinding, error) {
	return c.deploymentUserRole(ctx, "AddDeploymentUser", "deploymentAddUserRole", deploymentID, email, role, sel)
}

// DeploymentUpdateUserRole changes a user's deployment role.
//
// Houston: mutation deploymentUpdateUserRole (DeploymentUserUpdateRequest)
func (c *Client) DeploymentUpdateUserRole(ctx context.Context, deploymentID, email, role string, sel []Field) (*RoleBinding, error) {
	return c.deploymentUserRole(ctx, "UpdateDeploymentUser", "deploymentUpdateUserRole", deploymentID, email, role, sel)
}

// DeploymentRemoveUserRole takes a user's deployment role away and returns
// the binding removed.
//
// Houston: mutation deploymentRemoveUserRole (DeploymentUserDeleteRequest)
func (c *Client) DeploymentRemoveUserRole(ctx context.Context, deploymentID, email string, sel []Field) (*RoleBinding, error) {
	return c.deploymentUserRole(ctx, "DeleteDeploymentUser", "deploymentRemoveUserRole", deploymentID, email, "", sel)
}

func (c *Client) deploymentUserRole(ctx context.Context, opName, field, deploymentID, email, role string, sel []Field) (*RoleBinding, error) {
	args := []arg{{"deploymentId", typeIDNonNull, deploymentID}, {"email", typeStringNonNull, email}}
	if role != "" {
		args = append(args, arg{"role", typeRoleNonNull, role})
	}
	return one[RoleBinding](ctx, c, call{kind: ast.Mutation, opName: opName, field: field, args: args, result: "RoleBinding", sel: sel})
}

// DeploymentServiceAccounts lists a deployment's service accounts.
//
// Houston: query deploymentServiceAccounts (DeploymentServiceAccountsGetRequest)
func (c *Client) DeploymentServiceAccounts(ctx context.Context, deploymentID string, sel []Field) ([]*ServiceAccount, error) {
	return many[ServiceAccount](ctx, c, call{kind: ast.Query, opName: "GetDeploymentServiceAccounts", field: "deploymentServiceAccounts",
		args: []arg{{"deploymentUuid", typeUuidNonNull, deploymentID}}, result: "ServiceAccount", sel: sel})
}

// ServiceAccountRequest is what a new service account is made of.
type ServiceAccountRequest struct {
	Label    string // required
	Category string // default "default"
	Role     string // a DEPLOYMENT_* or WORKSPACE_* role, as the account's entity
}

// CreateDeploymentServiceAccount creates a service account bound to a
// deployment; its APIKey is returned (select "apiKey").
//
// Houston: mutation createDeploymentServiceAccount (CreateDeploymentServiceAccountRequest)
func (c *Client) CreateDeploymentServiceAccount(ctx context.Context, deploymentID string, req ServiceAccountRequest, sel []Field) (*ServiceAccount, error) {
	return one[ServiceAccount](ctx, c, call{kind: ast.Mutation, opName: "createDeploymentServiceAccount", field: "createDeploymentServiceAccount",
		args: append([]arg{{"deploymentUuid", typeUuidNonNull, deploymentID}, {"label", typeStringNonNull, req.Label},
			{"role", typeRoleNonNull, req.Role}}, optional(arg{"category", typeString, req.Category})...),
		result: "ServiceAccount", sel: sel})
}

// DeleteDeploymentServiceAccount deletes a deployment's service account;
// its key stops working.
//
// Houston: mutation deleteDeploymentServiceAccount (DeploymentServiceAccountDeleteRequest)
func (c *Client) DeleteDeploymentServiceAccount(ctx context.Context, deploymentID, accountID string, sel []Field) (*ServiceAccount, error) {
	return one[ServiceAccount](ctx, c, call{kind: ast.Mutation, opName: "deleteDeploymentServiceAccount", field: "deleteDeploymentServiceAccount",
		args:   []arg{{"serviceAccountUuid", typeUuidNonNull, accountID}, {"deploymentUuid", typeUuidNonNull, deploymentID}},
		result: "ServiceAccount", sel: sel})
}
