-- CreateIndex
CREATE INDEX "rollup_daily_site_id_event_type_path_day_events_idx" ON "rollup_daily"("site_id", "event_type", "path", "day", "events");

