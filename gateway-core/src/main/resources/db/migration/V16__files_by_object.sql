-- The start-up sweep asks which of the objects a store lists are still referred to, a few hundred ids at a
-- time (so that it never holds every object id of a tenant in memory): this index answers it without
-- scanning the tenant's files for each batch.

CREATE INDEX files_by_object ON files (tenant_id, object_id);
