package gateway_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestIntrospectionDocumentsSchema: what GraphiQL's docs explorer and
// codegen read over HTTP carries the schema's documentation: a description
// on every type, field, argument, input field and enum value,
// specifiedByURL on the custom scalars, and deprecations with a reason.
func TestIntrospectionDocumentsSchema(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		r := env.Query(t, `{ __schema { types {
			name description specifiedByURL
			fields(includeDeprecated: true) { name description isDeprecated deprecationReason args { name description } }
			inputFields { name description }
			enumValues(includeDeprecated: true) { name description } } } }`, nil, nil)
		require.Empty(t, r.Errors)
		type named struct{ Name, Description string }
		var d struct {
			Schema struct {
				Types []struct {
					Name, Description string
					SpecifiedByURL    *string `json:"specifiedByURL"`
					Fields            []struct {
						Name, Description string
						IsDeprecated      bool   `json:"isDeprecated"`
						DeprecationReason string `json:"deprecationReason"`
						Args              []named
					}
					InputFields []named `json:"inputFields"`
					EnumValues  []named `json:"enumValues"`
				}
			} `json:"__schema"`
		}
		r.Decode(t, &d)
		builtin := map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}
		var missing []string
		deprecated := map[string]string{}
		scalars := map[string]string{}
		for _, ty := range d.Schema.Types {
			if builtin[ty.Name] || len(ty.Name) > 1 && ty.Name[:2] == "__" {
				continue
			}
			if ty.SpecifiedByURL != nil {
				scalars[ty.Name] = *ty.SpecifiedByURL
			}
			if ty.Description == "" {
				missing = append(missing, ty.Name)
			}
			for _, f := range ty.Fields {
				if f.Description == "" {
					missing = append(missing, ty.Name+"."+f.Name)
				}
				if f.IsDeprecated {
					deprecated[ty.Name+"."+f.Name] = f.DeprecationReason
				}
				for _, a := range f.Args {
					if a.Description == "" {
						missing = append(missing, ty.Name+"."+f.Name+"("+a.Name+":)")
					}
				}
			}
			for _, f := range append(ty.InputFields, ty.EnumValues...) {
				if f.Description == "" {
					missing = append(missing, ty.Name+"."+f.Name)
				}
			}
		}
		assert.Empty(t, missing, "undocumented over introspection")
		assert.Greater(t, len(d.Schema.Types), 400)
		assert.Equal(t, map[string]string{
			"Time": "https://datatracker.ietf.org/doc/html/rfc3339",
			"JSON": "https://datatracker.ietf.org/doc/html/rfc8259",
		}, scalars)
		for _, f := range []string{"AstroDeployment.webServerUrl", "AstroDeployment.webServerAirflowApiUrl",
			"SoftwareServiceAccount.entityType", "Mutation.createSoftwareDeployment", "Mutation.updateSoftwareDeployment"} {
			assert.NotEmpty(t, deprecated[f], "%s is deprecated with a reason", f)
		}
	})
}
