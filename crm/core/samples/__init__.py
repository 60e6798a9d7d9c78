"""Sample data: the small demo network (``crm demo``) and generated networks of any size
(``crm demo --people N``, the benchmarks)."""
