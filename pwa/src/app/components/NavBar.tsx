import type { Route } from "../../shared/routes";
import { route } from "../router";
import { conflictCount, rejectedCount } from "../state";
import { Icon, type IconName } from "./Icon";

interface Item {
  href: string;
  label: string;
  icon: IconName;
  active: (r: Route) => boolean;
}

const ITEMS: Item[] = [
  { href: "/", label: "My work", icon: "work", active: (r) => r.name === "work" || r.name === "workorder" },
  { href: "/scan", label: "Scan", icon: "scan", active: (r) => r.name === "scan" || r.name === "asset" },
  { href: "/inbox", label: "Inbox", icon: "inbox", active: (r) => r.name === "inbox" },
  { href: "/settings", label: "Settings", icon: "settings", active: (r) => r.name === "settings" },
];

export function NavBar() {
  const current = route.value;
  const attention = rejectedCount.value + conflictCount.value;
  return (
    <nav class="nav" aria-label="Main">
      <ul>
        {ITEMS.map((item) => (
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
