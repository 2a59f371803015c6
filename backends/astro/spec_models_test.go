package astro

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specModels maps every schema of the spec that the client models to a
// zero value of its Go type.
func specModels() map[string]any {
	return map[string]any{
		// Organization, Workspace, common
		"BasicSubjectProfile":       BasicSubjectProfile{},
		"FieldValidationError":      FieldError{},
		"Organization":              Organization{},
		"ManagedDomain":             ManagedDomain{},
		"OrganizationProductPlan":   OrganizationProductPlan{},
		"UpdateOrganizationRequest": UpdateOrganizationRequest{},
		"Workspace":                 Workspace{},
		"CreateWorkspaceRequest":    CreateWorkspaceRequest{},
		"UpdateWorkspaceRequest":    UpdateWorkspaceRequest{},
		// Deployment
		"Deployment":                           Deployment{},
		"WorkerQueue":                          WorkerQueue{},
		"DeploymentEnvironmentVariable":        DeploymentEnvironmentVariable{},
		"DeploymentRemoteExecution":            DeploymentRemoteExecution{},
		"DeploymentScalingSpec":                DeploymentScalingSpec{},
		"DeploymentHibernationSpec":            DeploymentHibernationSpec{},
		"DeploymentHibernationSchedule":        DeploymentHibernationSchedule{},
		"DeploymentHibernationOverride":        DeploymentHibernationOverride{},
		"DeploymentScalingStatus":              DeploymentScalingStatus{},
		"DeploymentHibernationStatus":          DeploymentHibernationStatus{},
		"CreateDedicatedDeploymentRequest":     CreateDedicatedDeploymentRequest{},
		"CreateHybridDeploymentRequest":        CreateHybridDeploymentRequest{},
		"CreateStandardDeploymentRequest":      CreateStandardDeploymentRequest{},
		"UpdateDedicatedDeploymentRequest":     UpdateDedicatedDeploymentRequest{},
		"UpdateHybridDeploymentRequest":        UpdateHybridDeploymentRequest{},
		"UpdateStandardDeploymentRequest":      UpdateStandardDeploymentRequest{},
		"WorkerQueueRequest":                   WorkerQueueRequest{},
		"HybridWorkerQueueRequest":             HybridWorkerQueueRequest{},
		"UpdateWorkerQueueRequest":             UpdateWorkerQueueRequest{},
		"DeploymentEnvironmentVariableRequest": DeploymentEnvironmentVariableRequest{},
		"DeploymentRemoteExecutionRequest":     DeploymentRemoteExecutionRequest{},
		"DeploymentScalingSpecRequest":         DeploymentScalingSpecRequest{},
		"DeploymentHibernationSpecRequest":     DeploymentHibernationSpecRequest{},
		"DeploymentHibernationOverrideRequest": DeploymentHibernationOverrideRequest{},
		"CreateDeploymentInstanceSpecRequest":  CreateDeploymentInstanceSpecRequest{},
		"UpdateDeploymentInstanceSpecRequest":  UpdateDeploymentInstanceSpecRequest{},
		"OverrideDeploymentHibernationBody":    OverrideDeploymentHibernationBody{},
		"DeploymentLog":                        DeploymentLog{},
		"DeploymentLogEntry":                   DeploymentLogEntry{},
		// Cluster
		"Cluster":                       Cluster{},
		"NodePool":                      NodePool{},
		"ClusterMetadata":               ClusterMetadata{},
		"ClusterK8sTag":                 ClusterK8sTag{},
		"ClusterHealthStatus":           ClusterHealthStatus{},
		"ClusterHealthStatusDetail":     ClusterHealthStatusDetail{},
		"CreateAwsClusterRequest":       CreateAWSClusterRequest{},
		"CreateAzureClusterRequest":     CreateAzureClusterRequest{},
		"CreateGcpClusterRequest":       CreateGCPClusterRequest{},
		"CreateNodePoolRequest":         CreateNodePoolRequest{},
		"UpdateDedicatedClusterRequest": UpdateDedicatedClusterRequest{},
		"UpdateHybridClusterRequest":    UpdateHybridClusterRequest{},
		"UpdateNodePoolRequest":         UpdateNodePoolRequest{},
		// Options
		"ClusterOptions":         ClusterOptions{},
		"ProviderInstanceType":   ProviderInstanceType{},
		"ProviderRegion":         ProviderRegion{},
		"DeploymentOptions":      DeploymentOptions{},
		"ResourceQuotaOptions":   ResourceQuotaOptions{},
		"ResourceOption":         ResourceOption{},
		"ResourceRange":          ResourceRange{},
		"Range":                  Range{},
		"RuntimeRelease":         RuntimeRelease{},
		"SchedulerMachine":       SchedulerMachine{},
		"WorkerMachine":          WorkerMachine{},
		"MachineSpec":            MachineSpec{},
		"WorkerQueueOptions":     WorkerQueueOptions{},
		"WorkloadIdentityOption": WorkloadIdentityOption{},
		// Deploy
		"Deploy":                 Deploy{},
		"DeployGit":              DeployGit{},
		"Bundle":                 Bundle{},
		"CreateDeployRequest":    CreateDeployRequest{},
		"CreateDeployGitRequest": CreateDeployGitRequest{},
		"UpdateDeployRequest":    UpdateDeployRequest{},
		"FinalizeDeployRequest":  FinalizeDeployRequest{},
		"DeployRollbackRequest":  DeployRollbackRequest{},
		// Tokens
		"ApiToken":                   APIToken{},
		"ApiTokenRole":               APITokenRole{},
		"CreateApiTokenRequest":      CreateAPITokenRequest{},
		"UpdateApiTokenRequest":      UpdateAPITokenRequest{},
		"UpdateApiTokenRolesRequest": UpdateAPITokenRolesRequest{},
		"CreateAgentTokenRequest":    CreateAgentTokenRequest{},
		// Users, Teams, Invites
		"User":                    User{},
		"WorkspaceRole":           WorkspaceRole{},
		"DeploymentRole":          DeploymentRole{},
		"DagRole":                 DagRole{},
		"SubjectRoles":            SubjectRoles{},
		"UserTeamMembership":      UserTeamMembership{},
		"SelfUser":                SelfUser{},
		"SelfUserFeatureFlag":     SelfUserFeatureFlag{},
		"SelfUserInvite":          SelfUserInvite{},
		"SelfUserRole":            SelfUserRole{},
		"SelfUserRoleScope":       SelfUserRoleScope{},
		"UpdateUserRolesRequest":  UpdateUserRolesRequest{},
		"Team":                    Team{},
		"TeamMember":              TeamMember{},
		"CreateTeamRequest":       CreateTeamRequest{},
		"UpdateTeamRequest":       UpdateTeamRequest{},
		"AddTeamMembersRequest":   AddTeamMembersRequest{},
		"UpdateTeamRolesRequest":  UpdateTeamRolesRequest{},
		"Invite":                  Invite{},
		"CreateUserInviteRequest": CreateUserInviteRequest{},
		// Roles and permissions
		"Role":                    Role{},
		"RoleWithPermission":      RoleWithPermission{},
		"DefaultRole":             DefaultRole{},
		"RoleTemplate":            RoleTemplate{},
		"CreateCustomRoleRequest": CreateCustomRoleRequest{},
		"UpdateCustomRoleRequest": UpdateCustomRoleRequest{},
		"PermissionGroup":         PermissionGroup{},
		"PermissionEntry":         PermissionEntry{},
		// Allowed IP address ranges
		"AllowedIpAddressRange":                   AllowedIPAddressRange{},
		"CreateAllowedIpAddressRangeRequest":      CreateAllowedIPAddressRangeRequest{},
		"BulkCreateAllowedIpAddressRangesRequest": BulkCreateAllowedIPAddressRangesRequest{},
		"BulkDeleteAllowedIpAddressRangesRequest": BulkDeleteAllowedIPAddressRangesRequest{},
		// Environment objects
		"EnvironmentObject":                                          EnvironmentObject{},
		"EnvironmentObjectAirflowVariable":                           EnvironmentObjectAirflowVariable{},
		"EnvironmentObjectEnvironmentVariable":                       EnvironmentObjectEnvironmentVariable{},
		"EnvironmentObjectConnection":                                EnvironmentObjectConnection{},
		"EnvironmentObjectMetricsExport":                             EnvironmentObjectMetricsExport{},
		"EnvironmentObjectExcludeLink":                               EnvironmentObjectExcludeLink{},
		"EnvironmentObjectLink":                                      EnvironmentObjectLink{},
		"EnvironmentObjectAirflowVariableOverrides":                  EnvironmentObjectAirflowVariableOverrides{},
		"EnvironmentObjectEnvironmentVariableOverrides":              EnvironmentObjectEnvironmentVariableOverrides{},
		"EnvironmentObjectConnectionOverrides":                       EnvironmentObjectConnectionOverrides{},
		"EnvironmentObjectMetricsExportOverrides":                    EnvironmentObjectMetricsExportOverrides{},
		"ConnectionAuthType":                                         ConnectionAuthType{},
		"ConnectionAuthTypeParameter":                                ConnectionAuthTypeParameter{},
		"CreateEnvironmentObjectRequest":                             CreateEnvironmentObjectRequest{},
		"CreateEnvironmentObjectAirflowVariableRequest":              CreateEnvironmentObjectAirflowVariableRequest{},
		"CreateEnvironmentObjectEnvironmentVariableRequest":          CreateEnvironmentObjectEnvironmentVariableRequest{},
		"CreateEnvironmentObjectConnectionRequest":                   CreateEnvironmentObjectConnectionRequest{},
		"CreateEnvironmentObjectMetricsExportRequest":                CreateEnvironmentObjectMetricsExportRequest{},
		"CreateEnvironmentObjectLinkRequest":                         CreateEnvironmentObjectLinkRequest{},
		"CreateEnvironmentObjectOverridesRequest":                    CreateEnvironmentObjectOverridesRequest{},
		"CreateEnvironmentObjectAirflowVariableOverridesRequest":     CreateEnvironmentObjectAirflowVariableOverridesRequest{},
		"CreateEnvironmentObjectEnvironmentVariableOverridesRequest": CreateEnvironmentObjectEnvironmentVariableOverridesRequest{},
		"CreateEnvironmentObjectConnectionOverridesRequest":          CreateEnvironmentObjectConnectionOverridesRequest{},
		"CreateEnvironmentObjectMetricsExportOverridesRequest":       CreateEnvironmentObjectMetricsExportOverridesRequest{},
		"ExcludeLinkEnvironmentObjectRequest":                        ExcludeLinkEnvironmentObjectRequest{},
		"UpdateEnvironmentObjectRequest":                             UpdateEnvironmentObjectRequest{},
		"UpdateEnvironmentObjectAirflowVariableRequest":              UpdateEnvironmentObjectAirflowVariableRequest{},
		"UpdateEnvironmentObjectEnvironmentVariableRequest":          UpdateEnvironmentObjectEnvironmentVariableRequest{},
		"UpdateEnvironmentObjectConnectionRequest":                   UpdateEnvironmentObjectConnectionRequest{},
		"UpdateEnvironmentObjectMetricsExportRequest":                UpdateEnvironmentObjectMetricsExportRequest{},
		"UpdateEnvironmentObjectLinkRequest":                         UpdateEnvironmentObjectLinkRequest{},
		"UpdateEnvironmentObjectOverridesRequest":                    UpdateEnvironmentObjectOverridesRequest{},
		"UpdateEnvironmentObjectAirflowVariableOverridesRequest":     UpdateEnvironmentObjectAirflowVariableOverridesRequest{},
		"UpdateEnvironmentObjectEnvironmentVariableOverridesRequest": UpdateEnvironmentObjectEnvironmentVariableOverridesRequest{},
		"UpdateEnvironmentObjectConnectionOverridesRequest":          UpdateEnvironmentObjectConnectionOverridesRequest{},
		"UpdateEnvironmentObjectMetricsExportOverridesRequest":       UpdateEnvironmentObjectMetricsExportOverridesRequest{},
	}
}

// unmodelledSchemas are the spec's schemas without a Go type of their own,
// and where their content goes instead.
func unmodelledSchemas() map[string]string {
	return map[string]string{
		"Error":                           "decoded by CheckResponse into *Error",
		"CreateClusterRequest":            "the CreateClusterRequest interface over its variants",
		"UpdateClusterRequest":            "the UpdateClusterRequest interface over its variants",
		"CreateDeploymentRequest":         "the CreateDeploymentRequest interface over its variants",
		"UpdateDeploymentRequest":         "the UpdateDeploymentRequest interface over its variants",
		"CreateEnvironmentObject":         "EnvironmentObjectsService.Create returns its id",
		"AllowedIpAddressRangesList":      "AllowedIPAddressRangesService.BulkCreate returns its list",
		"RolesPaginated":                  "RoleList and the Response's paging counters",
		"AllowedIpAddressRangesPaginated": "a slice and the Response's paging counters",
		"ApiTokensPaginated":              "a slice and the Response's paging counters",
		"ClustersPaginated":               "a slice and the Response's paging counters",
		"DeploymentsPaginated":            "a slice and the Response's paging counters",
		"DeploysPaginated":                "a slice and the Response's paging counters",
		"EnvironmentObjectsPaginated":     "a slice and the Response's paging counters",
		"OrganizationsPaginated":          "a slice and the Response's paging counters",
		"TeamMembersPaginated":            "a slice and the Response's paging counters",
		"TeamsPaginated":                  "a slice and the Response's paging counters",
		"UserTeamsPaginated":              "a slice and the Response's paging counters",
		"UsersPaginated":                  "a slice and the Response's paging counters",
		"WorkspacesPaginated":             "a slice and the Response's paging counters",
	}
}

// discriminators are the properties that request variants do not hold as
// fields but add in MarshalJSON, with the value each variant sends.
func discriminators() map[string][2]string {
	return map[string][2]string{
		"CreateDedicatedDeploymentRequest": {"type", "DEDICATED"},
		"CreateHybridDeploymentRequest":    {"type", "HYBRID"},
		"CreateStandardDeploymentRequest":  {"type", "STANDARD"},
		"UpdateDedicatedDeploymentRequest": {"type", "DEDICATED"},
		"UpdateHybridDeploymentRequest":    {"type", "HYBRID"},
		"UpdateStandardDeploymentRequest":  {"type", "STANDARD"},
		"CreateAwsClusterRequest":          {"cloudProvider", "AWS"},
		"CreateAzureClusterRequest":        {"cloudProvider", "AZURE"},
		"CreateGcpClusterRequest":          {"cloudProvider", "GCP"},
		"UpdateDedicatedClusterRequest":    {"clusterType", "DEDICATED"},
		"UpdateHybridClusterRequest":       {"clusterType", "HYBRID"},
	}
}

// TestEverySchemaIsModelled fails when the spec gains a schema that the
// client neither models nor explains.
func TestEverySchemaIsModelled(t *testing.T) {
	t.Parallel()
	s := loadSpec(t)
	models, skipped := specModels(), unmodelledSchemas()
	for name := range s.Components.Schemas {
		_, m := models[name]
		_, u := skipped[name]
		assert.True(t, m != u, "schema %s: modelled=%v, listed as unmodelled=%v", name, m, u)
	}
	for name := range models {
		assert.Contains(t, s.Components.Schemas, name)
	}
}

// TestModelsMatchSpec compares each model's fields with its spec schema:
// the same JSON names, value fields for required properties and pointers (or
// slices or maps) with omitempty or omitzero for optional ones (a required
// property the spec lets be null is a pointer without omitempty),
// time.Time for date-times, the referenced schema's type for $refs, and the
// discriminator of request variants added by MarshalJSON.
func TestModelsMatchSpec(t *testing.T) {
	t.Parallel()
	s := loadSpec(t)
	models := specModels()
	goNames := map[string]string{}
	for schema, model := range models {
		goNames[schema] = reflect.TypeOf(model).Name()
	}
	timeType := reflect.TypeFor[time.Time]()

	for schemaName, model := range models {
		t.Run(schemaName, func(t *testing.T) {
			t.Parallel()
			schema, ok := s.Components.Schemas[schemaName]
			require.True(t, ok, "schema %s is not in the spec", schemaName)
			typ := reflect.TypeOf(model)

			var goFields []string
			if d, ok := discriminators()[schemaName]; ok {
				b, err := json.Marshal(model)
				require.NoError(t, err)
				var m map[string]any
				require.NoError(t, json.Unmarshal(b, &m))
				assert.Equal(t, d[1], m[d[0]], "%s must marshal %s=%s", typ.Name(), d[0], d[1])
				goFields = append(goFields, d[0])
			}
			for i := range typ.NumField() {
				f := typ.Field(i)
				name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
				require.NotEmpty(t, name, "%s.%s has no json name", typ.Name(), f.Name)
				goFields = append(goFields, name)

				prop, ok := schema.Properties[name]
				if !assert.True(t, ok, "%s.%s: %q is not a property of %s", typ.Name(), f.Name, name, schemaName) {
					continue
				}
				required := slices.Contains(schema.Required, name)
				omits := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
				ft := f.Type
				switch {
				case required && prop.Nullable:
					assert.Equal(t, reflect.Pointer, ft.Kind(), "%s.%s: required nullable %q must be a pointer", typ.Name(), f.Name, name)
					assert.False(t, omits, "%s.%s: required property %q must not be omitted", typ.Name(), f.Name, name)
				case required:
					assert.NotEqual(t, reflect.Pointer, ft.Kind(), "%s.%s: required property %q must be a value field", typ.Name(), f.Name, name)
					assert.False(t, omits, "%s.%s: required property %q must not be omitted", typ.Name(), f.Name, name)
				default:
					assert.Contains(t, []reflect.Kind{reflect.Pointer, reflect.Slice, reflect.Map}, ft.Kind(), "%s.%s: optional property %q must be a pointer, slice or map", typ.Name(), f.Name, name)
					assert.True(t, omits, "%s.%s: optional property %q must be omitempty or omitzero", typ.Name(), f.Name, name)
				}
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}

				p := prop
				if p.Type == "array" {
					if !assert.Equal(t, reflect.Slice, ft.Kind(), "%s.%s: %q is an array", typ.Name(), f.Name, name) {
						continue
					}
					ft = ft.Elem()
					require.NotNil(t, p.Items, "%s.%s: array without items", schemaName, name)
					p = *p.Items
				}
				switch {
				case p.Ref != "":
					ref := p.Ref[strings.LastIndex(p.Ref, "/")+1:]
					assert.Equal(t, goNames[ref], ft.Name(), "%s.%s: %q refers to %s", typ.Name(), f.Name, name, ref)
				case p.Format == "date-time":
					assert.Equal(t, timeType, ft, "%s.%s: %q is a date-time", typ.Name(), f.Name, name)
				case p.Type == "string":
					assert.Equal(t, reflect.String, ft.Kind(), "%s.%s: %q is a string", typ.Name(), f.Name, name)
				case p.Type == "integer":
					assert.Equal(t, reflect.Int, ft.Kind(), "%s.%s: %q is an integer", typ.Name(), f.Name, name)
				case p.Type == "number":
					assert.Equal(t, reflect.Float64, ft.Kind(), "%s.%s: %q is a number", typ.Name(), f.Name, name)
				case p.Type == "boolean":
					assert.Equal(t, reflect.Bool, ft.Kind(), "%s.%s: %q is a boolean", typ.Name(), f.Name, name)
				case p.Type == "object":
					assert.Equal(t, reflect.Map, ft.Kind(), "%s.%s: %q is a free-form object", typ.Name(), f.Name, name)
				default:
					t.Errorf("%s.%s: unhandled spec type %+v", schemaName, name, p)
				}
			}
			var specFields []string
			for name := range schema.Properties {
				specFields = append(specFields, name)
			}
			assert.ElementsMatch(t, specFields, goFields, "%s: properties in the spec vs json names in %s", schemaName, typ.Name())
		})
	}
}
