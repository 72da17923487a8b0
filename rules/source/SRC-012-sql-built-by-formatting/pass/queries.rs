async fn find(pool: &PgPool, plate: &str) {
    // ok: SRC-012
    let rows = sqlx::query("SELECT * FROM passages WHERE plate = $1")
        .bind(plate)
        .fetch_all(pool)
        .await;
    // ok: SRC-012
    conn.execute("DELETE FROM events WHERE id = ?1", params![id]).unwrap();
    // Formatting something else is fine.
    // ok: SRC-012
    let label = format!("{} rows", rows.len());
}
