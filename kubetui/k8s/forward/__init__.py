"""Port-forwards to pods and Services: what is asked, decided before any connection."""
