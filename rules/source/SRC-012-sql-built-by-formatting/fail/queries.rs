async fn find(pool: &PgPool, plate: &str) {
    // ruleid: SRC-012
    let rows = sqlx::query(&format!("SELECT * FROM passages WHERE plate = '{plate}'"))
        .fetch_all(pool)
        .await;
    // ruleid: SRC-012
    conn.execute(&format!("DELETE FROM events WHERE id = {}", id), []).unwrap();
    // ruleid: SRC-012
    diesel::sql_query(format!("UPDATE sensors SET name = '{}'", name)).execute(conn);
}
