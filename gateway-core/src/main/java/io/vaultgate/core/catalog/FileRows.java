package io.vaultgate.core.catalog;

import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.tenant.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** How a row of {@code files} is read: the columns the file queries select, and the record they make. */
final class FileRows {

    static final String COLUMNS =
            "id, tenant_id, account_id, path, state, object_id, size, sha256, created_at, updated_at";

    private FileRows() {
    }

    static FileRecord map(ResultSet row) throws SQLException {
        return new FileRecord(row.getString("id"), new TenantId(row.getString("tenant_id")),
                row.getString("account_id"), PathPolicy.parse(row.getString("path")),
                FileState.valueOf(row.getString("state")), new ObjectId(row.getString("object_id")),
                row.getLong("size"), Optional.ofNullable(row.getString("sha256")),
                Instant.ofEpochMilli(row.getLong("created_at")), Instant.ofEpochMilli(row.getLong("updated_at")));
    }
}
