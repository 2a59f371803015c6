// Package model holds the Go types behind the Houston simulator's GraphQL
// schema. The hand-written types here carry the ids of related objects; field
// resolvers in the houstonsim package turn those ids into objects. Records are
// treated as immutable once stored: an update stores a new value.
package model

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// Workspace is a stored workspace.
type Workspace struct {
	ID          string
	Label       string
	Description string
	Active      bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// UUID is the 2019 alias of ID.
func (w *Workspace) UUID() string { return w.ID }

// Deployment is a stored deployment. Nullable GraphQL fields are pointers;
// a nil pointer is served as null.
type Deployment struct {
	ID                    string
	Type                  string
	Label                 string
	Description           string
	ReleaseName           string
	Namespace             string
	ClusterID             string
	WorkspaceID           string
	Version               string
	AirflowVersion        *string
	DesiredAirflowVersion *string
	RuntimeVersion        *string
	DesiredRuntimeVersion *string
	RuntimeAirflowVersion *string
	Executor              ExecutorType
	// Image is the image last deployed, "" before the first deploy.
	Image string
	// Mode is helm or operator (Houston 2.1); adopted deployments are
	// operator-managed.
	Mode      string
	CloudRole string
	// Adopted tells a deployment recorded by adoptDeployment.
	Adopted       bool
	Urls          []*DeploymentURL
	DeployInfo    *DeployInfo
	DagDeployment *DagDeploymentSettings
	Status        string
	Config        any
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// UUID is the 2019 alias of ID.
func (d *Deployment) UUID() string { return d.ID }

// User is a stored user.
type User struct {
	ID        string
	Username  string
	FullName  string
	Status    string
	Emails    []*Email
	CreatedAt time.Time
	UpdatedAt time.Time
}

// UUID is the 2019 alias of ID.
func (u *User) UUID() string { return u.ID }

// ServiceAccount is a stored service account. It has exactly one role
// binding, on the entity named by EntityType and EntityUUID.
type ServiceAccount struct {
	ID         string
	APIKey     string
	Label      string
	Category   string
	EntityType string
	EntityUUID string
	Active     bool
	LastUsedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// UUID is the 2019 alias of ID.
func (s *ServiceAccount) UUID() string { return s.ID }

// WorkspaceUUID is the bound workspace's id, or null for other entity types.
func (s *ServiceAccount) WorkspaceUUID() *string {
	if s.EntityType != "WORKSPACE" {
		return nil
	}
	return &s.EntityUUID
}

// DeploymentUUID is the bound deployment's id, or null for other entity types.
func (s *ServiceAccount) DeploymentUUID() *string {
	if s.EntityType != "DEPLOYMENT" {
		return nil
	}
	return &s.EntityUUID
}

// RoleBinding is a stored role binding. Exactly one of UserID,
// ServiceAccountID and TeamID is set; WorkspaceID and DeploymentID are both
// empty for a system-level binding.
type RoleBinding struct {
	ID               string
	Role             Role
	UserID           string
	ServiceAccountID string
	TeamID           string
	WorkspaceID      string
	DeploymentID     string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Team is a stored team. Its members are kept by the store.
type Team struct {
	ID        string
	Name      *string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Invite is a stored invitation of an e-mail address to a workspace.
type Invite struct {
	ID          string
	Email       *string
	Role        Role
	Token       *string
	WorkspaceID string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// UUID is the 2019 alias of ID.
func (i *Invite) UUID() string { return i.ID }

// DeploymentLog is one generated log line.
type DeploymentLog struct {
	ID        string
	Time      time.Time
	Message   *string
	Component *string
	Release   *string
	Level     *string
}

// UUID is the 2019 alias of ID.
func (l *DeploymentLog) UUID() string { return l.ID }

// Timestamp is Time as Houston prints it.
func (l *DeploymentLog) Timestamp() *string {
	s := l.Time.UTC().Format(dateTimeLayout)
	return &s
}

// dateTimeLayout is how Houston (a Node.js server) prints dates:
// Date.prototype.toISOString, always UTC with milliseconds.
const dateTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// MarshalDateTime writes t as an RFC 3339 string in UTC with milliseconds.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(dateTimeLayout)))
	})
}

// UnmarshalDateTime reads an RFC 3339 string, with or without fractional
// seconds.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("DateTime must be an RFC 3339 string, got %T", v)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("DateTime must be an RFC 3339 string: %w", err)
	}
	return t, nil
}
