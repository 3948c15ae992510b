"""HTTP plumbing shared by every controller: auth middleware, dependencies, problem details."""
