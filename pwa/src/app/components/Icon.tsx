const PATHS = {
  work: "M9 4h6v2h4v15H5V6h4V4zm0 6v2h6v-2H9zm0 4v2h6v-2H9z",
  scan: "M3 3h6v2H5v4H3V3zm12 0h6v6h-2V5h-4V3zM3 15h2v4h4v2H3v-6zm16 0h2v6h-6v-2h4v-4zM7 7h4v4H7V7zm6 0h4v4h-4V7zm-6 6h4v4H7v-4zm6 0h4v4h-4v-4z",
  inbox: "M4 4h16l1 9v7H3v-7l1-9zm1.8 2-.7 7H9l1 2h4l1-2h3.9l-.7-7H5.8z",
  settings:
    "M12 8a4 4 0 1 1 0 8 4 4 0 0 1 0-8zm-1.5-6h3l.5 2.6 1.9.8 2.2-1.5 2.1 2.1-1.5 2.2.8 1.9 2.5.4v3l-2.5.5-.8 1.9 1.5 2.2-2.1 2.1-2.2-1.5-1.9.8-.5 2.5h-3l-.5-2.5-1.9-.8-2.2 1.5-2.1-2.1 1.5-2.2-.8-1.9L2 13.5v-3l2.6-.5.8-1.9-1.5-2.2 2.1-2.1 2.2 1.5 1.9-.8.4-2.5z",
  back: "M15.4 5.4 14 4l-8 8 8 8 1.4-1.4L8.8 12z",
  line: "M2 17h20v3H2v-3zm2-7h4v6H4v-6zm6-4h4v10h-4V6zm6 2h4v8h-4V8z",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 24 }: { name: IconName; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="currentColor" />
    </svg>
  );
}
