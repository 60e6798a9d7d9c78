"""Keeping the network true: editing records, deleting them (with tombstones so an import
does not bring them back), finding duplicates and merging them."""
