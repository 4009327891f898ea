CREATE TABLE "announce_watermarks" (
	"source_topic" text NOT NULL,
	"source_partition" integer NOT NULL,
	"announced_below" bigint NOT NULL,
	CONSTRAINT "announce_watermarks_source_topic_source_partition_pk" PRIMARY KEY("source_topic","source_partition")
);
--> statement-breakpoint
-- What announced_at recorded, carried over: per command partition, below its first unannounced row
-- (or past its last row when every row is announced).
INSERT INTO "announce_watermarks" ("source_topic", "source_partition", "announced_below")
SELECT "source_topic", "source_partition", coalesce(min("source_offset") FILTER (WHERE "announced_at" IS NULL), max("source_offset") + 1)
FROM "orders" GROUP BY "source_topic", "source_partition";--> statement-breakpoint
DROP INDEX "orders_unannounced_idx";--> statement-breakpoint
CREATE INDEX "orders_source_idx" ON "orders" USING btree ("source_topic","source_partition","source_offset");