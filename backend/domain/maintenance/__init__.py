"""Maintenance (CMMS): work orders, requests, checklists, labor, failure codes, comments, attachments, reliability."""
