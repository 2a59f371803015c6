package astrosim

import (
	"net/http"
)

// listAgentTokens serves ListAgentTokens.
func (s *Sim) listAgentTokens(c *call) {
	lq, err := parseList(c.r.URL.Query(), maxLimit, "name", "description", "createdAt", "updatedAt", "createdById", "updatedById", "tokenStartAt")
	if err != nil {
		c.fail(err)
		return
	}
	s.mu.RLock()
	d, err := s.deploymentFor(c.p, c.r.PathValue("organizationId"), c.r.PathValue("deploymentId"), "deployment.agentTokens.get")
	var list []*apiToken
	if err == nil {
		for _, t := range s.data.agentTokens {
			if t.deploymentID == d.ID {
				list = append(list, t)
			}
		}
	}
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	sortItems(list, lq.sorts)
	c.json(http.StatusOK, pageOf("tokens", list, lq))
}

// agentTokenOf finds an agent token of a deployment. Callers hold s.mu.
func (s *Sim) agentTokenOf(c *call, permission string) (*apiToken, *apiError) {
	d, err := s.deploymentFor(c.p, c.r.PathValue("organizationId"), c.r.PathValue("deploymentId"), permission)
	if err != nil {
		return nil, err
	}
	id := c.r.PathValue("agentTokenId")
	t, ok := s.data.agentTokens[id]
	if !ok || t.deploymentID != d.ID {
		return nil, notFound("agent token", id)
	}
	return t, nil
}

// getAgentToken serves GetAgentToken.
func (s *Sim) getAgentToken(c *call) {
	s.mu.RLock()
	t, err := s.agentTokenOf(c, "deployment.agentTokens.get")
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, t)
}

// createAgentToken serves CreateAgentToken. Agent tokens are for
// remote-execution agents, not for the API: they do not authenticate
// against the simulator.
func (s *Sim) createAgentToken(c *call) {
	var b tokenBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.requiredText("name", b.Name, 256)
	k.text("description", b.Description, 500, false)
	k.intRange("tokenExpiryPeriodInDays", b.TokenExpiryPeriodInDays, 1, 3650)
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.deploymentFor(c.p, c.r.PathValue("organizationId"), c.r.PathValue("deploymentId"), "deployment.agentTokens.create")
	if err == nil {
		err = k.err()
	}
	if err != nil {
		c.fail(err)
		return
	}
	t := s.newToken(c, d.OrganizationID, *b.Name, deref(b.Description), "STANDARD", b.TokenExpiryPeriodInDays)
	t.Scope, t.entityID, t.deploymentID = "DEPLOYMENT", d.ID, d.ID
	t.Roles = []tokenRole{{EntityType: "DEPLOYMENT", EntityID: d.ID, Role: "DEPLOYMENT_AGENT"}}
	t.secret = "astrosim_agent_" + s.ids.alnum(32, base62)
	t.ShortToken = shortToken(t.secret)
	s.data.agentTokens[t.ID] = t
	s.record(c, d.OrganizationID, "agentToken.create", "AGENT_TOKEN", t.ID)
	c.json(http.StatusOK, t.withSecret())
}

// deleteAgentToken serves DeleteAgentToken.
func (s *Sim) deleteAgentToken(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.agentTokenOf(c, "deployment.agentTokens.delete")
	if err != nil {
		c.fail(err)
		return
	}
	delete(s.data.agentTokens, t.ID)
	s.record(c, t.orgID, "agentToken.delete", "AGENT_TOKEN", t.ID)
	c.w.WriteHeader(http.StatusNoContent)
}
