/** The platforms followed and the metrics kept for each, one month at a time. */
export const PLATFORMS = ["linkedin", "youtube", "instagram", "facebook", "x", "mastodon", "bluesky"] as const;
export type Platform = (typeof PLATFORMS)[number];
export const METRICS = ["followers", "newFollowers", "impressions", "reactions", "pageVisits", "videosPublished", "views"] as const;
export type Metric = (typeof METRICS)[number];

/** One platform's metrics for one month (`YYYY-MM`); a metric not known is absent. */
export interface SocialMonth {
  platform: Platform;
  month: string;
  followers?: number;
  newFollowers?: number;
  impressions?: number;
  reactions?: number;
  pageVisits?: number;
  videosPublished?: number;
  views?: number;
}
