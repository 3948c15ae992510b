import type { Route } from "../../shared/routes";
import { route } from "../router";
import { conflictCount, photoFailures, rejectedCount, session } from "../state";
import { Icon, type IconName } from "./Icon";

interface Item {
  href: string;
  label: string;
  icon: IconName;
  active: (r: Route) => boolean;
}

const WORK: Item = { href: "/", label: "My work", icon: "work", active: (r) => r.name === "work" || r.name === "workorder" };
const LINE: Item = { href: "/line", label: "My line", icon: "line", active: (r) => r.name === "line" || r.name === "work" };

const ITEMS: Item[] = [
  { href: "/scan", label: "Scan", icon: "scan", active: (r) => ["scan", "asset", "part", "bin"].includes(r.name) },
  { href: "/inbox", label: "Inbox", icon: "inbox", active: (r) => r.name === "inbox" },
  { href: "/settings", label: "Settings", icon: "settings", active: (r) => r.name === "settings" },
];

export function NavBar() {
  const current = route.value;
  const attention = rejectedCount.value + conflictCount.value + photoFailures.value;
  const items = [session.value?.user.role === "operator" ? LINE : WORK, ...ITEMS];
  return (
    <nav class="nav" aria-label="Main">
      <ul>
        {items.map((item) => (
          <li key={item.href}>
            <a href={item.href} aria-current={item.active(current) ? "page" : undefined}>
              <Icon name={item.icon} />
              <span>{item.label}</span>
              {item.icon === "inbox" && attention > 0 && (
                <span class="badge" aria-label={`${attention} need attention`}>
                  {attention}
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
