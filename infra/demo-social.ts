/**
 * Demo social statistics for 2024, as the first association's activity report gives them: 5 336
 * LinkedIn followers at the end of the year (100 to 250 new a month), 266 662 impressions, 7 519
 * reactions, 23 286 page visits; 11 YouTube videos (masterclass replays). Written through the real
 * `PUT /v1/social-metrics/{platform}/{month}` route, as the délégation would.
 */

export const DEMO_SOCIAL_2024 = {
  linkedin: { followers: 5_336, impressions: 266_662, reactions: 7_519, pageVisits: 23_286 },
  youtube: { videos: 11 },
} as const;

const NEW_FOLLOWERS = [118, 134, 246, 212, 187, 163, 104, 100, 228, 250, 201, 175];
const WEIGHTS = [5, 6, 9, 9, 8, 8, 6, 5, 10, 12, 11, 11];
const VIDEOS = [0, 0, 1, 1, 1, 1, 0, 0, 1, 2, 2, 2];
const VIEWS = [0, 0, 180, 260, 240, 310, 150, 120, 420, 610, 580, 640];

/** `total` split by `weights`, whole numbers that add up exactly (the last month takes the rest). */
export function spread(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const out = weights.map((w) => Math.floor((total * w) / sum));
  out[out.length - 1]! += total - out.reduce((s, n) => s + n, 0);
  return out;
}

/** The twelve months of 2024, per platform, as PUT bodies. */
export function demoSocialMonths(): Array<{ platform: "linkedin" | "youtube"; month: string; body: Record<string, number> }> {
  const { linkedin } = DEMO_SOCIAL_2024;
  const impressions = spread(linkedin.impressions, WEIGHTS);
  const reactions = spread(linkedin.reactions, WEIGHTS);
  const visits = spread(linkedin.pageVisits, WEIGHTS);
  // Month-end followers, counted back from the year-end total.
  const followers: number[] = [];
  let f = linkedin.followers;
  for (let i = 11; i >= 0; i--) {
    followers[i] = f;
    f -= NEW_FOLLOWERS[i]!;
  }
  const month = (i: number) => `2024-${String(i + 1).padStart(2, "0")}`;
  return [
    ...NEW_FOLLOWERS.map((n, i) => ({
      platform: "linkedin" as const,
      month: month(i),
      body: { followers: followers[i]!, newFollowers: n, impressions: impressions[i]!, reactions: reactions[i]!, pageVisits: visits[i]! },
    })),
    ...VIDEOS.map((v, i) => ({ platform: "youtube" as const, month: month(i), body: { videosPublished: v, views: VIEWS[i]! } })),
  ];
}

/** Writes the 2024 social statistics through the running API with a délégation (or trésorier) token. */
export async function seedSocial(api: string, token: string): Promise<void> {
  for (const m of demoSocialMonths()) {
    const res = await fetch(`${api}/v1/social-metrics/${m.platform}/${m.month}`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(m.body),
    });
    if (!res.ok) throw new Error(`demo: PUT social metrics ${m.platform} ${m.month} answered ${res.status}`);
  }
}
