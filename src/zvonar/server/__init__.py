"""Starting the product: the `zvonar run` command."""
