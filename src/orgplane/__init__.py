"""orgplane: the control plane of an infrastructure organization."""
