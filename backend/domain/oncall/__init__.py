"""On-call rota: who answers new tickets of a site (or one of its areas) at a given time."""
