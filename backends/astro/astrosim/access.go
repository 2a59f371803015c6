package astrosim

import (
	"net/http"
	"strings"
)

// orgAdmin checks that the token may use an organization-level permission
// (organization.teams.create, …) of orgID: 403 for another organization
// or a workspace or deployment token. Callers hold s.mu.
func (s *Sim) orgAdmin(p *principal, orgID, permission string) (*organization, *apiError) {
	o, err := s.visibleOrg(p, orgID)
	if err != nil {
		return nil, err
	}
	if !p.orgWide() {
		return nil, forbidden("the %s API token lacks the permission %s", p.Kind, permission)
	}
	return o, nil
}

// workspaceFor finds a workspace of orgID for a workspace-level permission:
// 404 if the organization has no such workspace, 403 if the token does not
// cover it. Callers hold s.mu.
func (s *Sim) workspaceFor(p *principal, orgID, id, permission string) (*workspace, *apiError) {
	if _, err := s.visibleOrg(p, orgID); err != nil {
		return nil, err
	}
	w, ok := s.data.workspaces[id]
	if !ok || w.OrganizationID != orgID {
		return nil, notFound("Workspace", id)
	}
	if !p.seesWorkspace(w) {
		return nil, forbidden("the %s API token lacks the permission %s on Workspace '%s'", p.Kind, permission, id)
	}
	return w, nil
}

// deploymentFor finds a deployment of orgID for a deployment-level
// permission: 404 if the organization has no such deployment, 403 if the
// token does not cover it. Callers hold s.mu.
func (s *Sim) deploymentFor(p *principal, orgID, id, permission string) (*deployment, *apiError) {
	if _, err := s.visibleOrg(p, orgID); err != nil {
		return nil, err
	}
	d, ok := s.data.deployments[id]
	if !ok || d.OrganizationID != orgID {
		return nil, notFound("Deployment", id)
	}
	if !p.seesDeployment(d) {
		return nil, forbidden("the %s API token lacks the permission %s on Deployment '%s'", p.Kind, permission, id)
	}
	return d, nil
}

// without404 turns a 404 into a 400 that says the same, for the
// operations whose responses declare no 404 (GetDeploymentLogs,
// FinalizeDeploy, CreateDeployment's body references …).
func without404(err *apiError) *apiError {
	if err == nil || err.status != http.StatusNotFound {
		return err
	}
	return badRequest("%s", strings.TrimPrefix(err.message, "Not found: "))
}

// record appends a write to the organization's audit log, which keeps the
// latest maxAuditEvents. Callers hold s.mu for writing.
func (s *Sim) record(c *call, orgID, action, targetType, targetID string) {
	ev := auditEvent{
		Timestamp: stamp(c.now), OrganizationID: orgID, Action: action, RequestID: c.reqID,
		Subject: c.p.subject, Target: auditTarget{Type: targetType, ID: targetID},
	}
	log := append(s.data.audit[orgID], ev)
	if len(log) > maxAuditEvents {
		log = log[len(log)-maxAuditEvents:]
	}
	s.data.audit[orgID] = log
}
