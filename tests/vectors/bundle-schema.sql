-- The schema of bundle.sqlite, version 1 (PRAGMA user_version; docs/export.md, "The database"):
-- every CREATE statement as SQLite keeps it, in the order export makes them. A change here is a
-- new schema version: raise database::kSchemaVersion with it.
CREATE TABLE events (
  seq INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  stream TEXT NOT NULL,
  stream_version INTEGER NOT NULL,
  schema_version INTEGER NOT NULL,
  carrier_id TEXT,
  effective_date TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  actor_os_user TEXT,
  document_ref TEXT,
  note TEXT,
  command_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  canonical_json TEXT NOT NULL,
  PRIMARY KEY (seq)
);
CREATE TABLE carriers (
  carrier_id TEXT NOT NULL,
  name TEXT,
  kind TEXT,
  category TEXT,
  assessment_class TEXT,
  host_type TEXT,
  industry TEXT,
  county TEXT,
  operator_name TEXT,
  operator_mode TEXT,
  area_m2 INTEGER,
  registered_on TEXT,
  registered_seq INTEGER,
  PRIMARY KEY (carrier_id)
);
CREATE TABLE carrier_counties (
  carrier_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  since TEXT,
  seq INTEGER,
  county TEXT,
  PRIMARY KEY (carrier_id, ord),
  FOREIGN KEY (carrier_id) REFERENCES carriers (carrier_id)
);
CREATE TABLE carrier_operators (
  carrier_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  since TEXT,
  seq INTEGER,
  name TEXT,
  mode TEXT,
  PRIMARY KEY (carrier_id, ord),
  FOREIGN KEY (carrier_id) REFERENCES carriers (carrier_id)
);
CREATE TABLE carrier_levels (
  carrier_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  level TEXT,
  mode TEXT,
  tier TEXT,
  since TEXT,
  seq INTEGER,
  PRIMARY KEY (carrier_id, ord),
  FOREIGN KEY (carrier_id) REFERENCES carriers (carrier_id)
);
CREATE TABLE carrier_level_history (
  carrier_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  seq INTEGER,
  date TEXT,
  action TEXT,
  level TEXT,
  detail TEXT,
  PRIMARY KEY (carrier_id, ord),
  FOREIGN KEY (carrier_id) REFERENCES carriers (carrier_id)
);
CREATE TABLE carrier_evaluations (
  carrier_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  seq INTEGER,
  date TEXT,
  level TEXT,
  year INTEGER,
  grade TEXT,
  PRIMARY KEY (carrier_id, ord),
  FOREIGN KEY (carrier_id) REFERENCES carriers (carrier_id)
);
CREATE TABLE carrier_stations (
  carrier_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  station_id TEXT NOT NULL,
  name TEXT,
  since TEXT,
  seq INTEGER,
  until TEXT,
  until_seq INTEGER,
  closure TEXT,
  PRIMARY KEY (carrier_id, ord),
  FOREIGN KEY (carrier_id) REFERENCES carriers (carrier_id)
);
CREATE TABLE station_brokers (
  carrier_id TEXT NOT NULL,
  station_ord INTEGER NOT NULL,
  station_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  broker_ref TEXT,
  since TEXT,
  seq INTEGER,
  until TEXT,
  until_seq INTEGER,
  end_reason TEXT,
  PRIMARY KEY (carrier_id, station_ord, ord),
  FOREIGN KEY (carrier_id, station_ord) REFERENCES carrier_stations (carrier_id, ord)
);
CREATE TABLE station_deals (
  carrier_id TEXT NOT NULL,
  station_ord INTEGER NOT NULL,
  station_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  deal_id TEXT,
  contract_kind TEXT,
  seller TEXT,
  buyer TEXT,
  broker_ref TEXT,
  amount_fen INTEGER,
  date TEXT,
  seq INTEGER,
  PRIMARY KEY (carrier_id, station_ord, ord),
  FOREIGN KEY (carrier_id, station_ord) REFERENCES carrier_stations (carrier_id, ord)
);
CREATE TABLE carrier_funds (
  carrier_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  fund_id TEXT,
  fund_type TEXT,
  size_fen INTEGER,
  social_capital_fen INTEGER,
  date TEXT,
  seq INTEGER,
  PRIMARY KEY (carrier_id, ord),
  FOREIGN KEY (carrier_id) REFERENCES carriers (carrier_id)
);
CREATE TABLE carrier_agreements (
  carrier_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  agreement_id TEXT,
  partner TEXT,
  partner_kind TEXT,
  credit_line_fen INTEGER,
  since TEXT,
  seq INTEGER,
  until TEXT,
  until_seq INTEGER,
  end_reason TEXT,
  PRIMARY KEY (carrier_id, ord),
  FOREIGN KEY (carrier_id) REFERENCES carriers (carrier_id)
);
CREATE TABLE carrier_investors (
  carrier_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  investor_id TEXT,
  name TEXT,
  investor_type TEXT,
  since TEXT,
  seq INTEGER,
  until TEXT,
  until_seq INTEGER,
  PRIMARY KEY (carrier_id, ord),
  FOREIGN KEY (carrier_id) REFERENCES carriers (carrier_id)
);
CREATE TABLE carrier_city_fund_support (
  carrier_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  support_id TEXT,
  city_fund TEXT,
  recipient TEXT,
  recipient_kind TEXT,
  amount_fen INTEGER,
  date TEXT,
  seq INTEGER,
  PRIMARY KEY (carrier_id, ord),
  FOREIGN KEY (carrier_id) REFERENCES carriers (carrier_id)
);
CREATE TABLE entitlements (
  entitlement_id TEXT NOT NULL,
  carrier_id TEXT NOT NULL,
  rule_id TEXT,
  ruleset_id TEXT,
  ruleset_seq INTEGER,
  clause TEXT,
  status TEXT,
  triggered_on TEXT,
  amount_fen INTEGER,
  approved_fen INTEGER,
  disbursed_fen INTEGER,
  outstanding_fen INTEGER,
  clawback_due_fen INTEGER,
  recovered_fen INTEGER,
  PRIMARY KEY (entitlement_id),
  FOREIGN KEY (carrier_id) REFERENCES carriers (carrier_id)
);
CREATE TABLE entitlement_seqs (
  entitlement_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  seq INTEGER,
  PRIMARY KEY (entitlement_id, ord),
  FOREIGN KEY (entitlement_id) REFERENCES entitlements (entitlement_id)
);
CREATE TABLE entitlement_history (
  entitlement_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  seq INTEGER,
  date TEXT,
  status TEXT,
  reason TEXT,
  PRIMARY KEY (entitlement_id, ord),
  FOREIGN KEY (entitlement_id) REFERENCES entitlements (entitlement_id)
);
CREATE TABLE payouts (
  payout_id TEXT NOT NULL,
  carrier_id TEXT NOT NULL,
  entitlement_id TEXT NOT NULL,
  amount_fen INTEGER,
  status TEXT,
  approved_seq INTEGER,
  approved_on TEXT,
  approved_by TEXT,
  approved_by_os_user TEXT,
  disbursed_seq INTEGER,
  disbursed_on TEXT,
  disbursed_by TEXT,
  disbursed_by_os_user TEXT,
  voucher_no TEXT,
  PRIMARY KEY (payout_id),
  FOREIGN KEY (carrier_id) REFERENCES carriers (carrier_id),
  FOREIGN KEY (entitlement_id) REFERENCES entitlements (entitlement_id)
);
CREATE TABLE compliance (
  flag_no INTEGER NOT NULL,
  carrier_id TEXT NOT NULL,
  flag TEXT,
  year INTEGER,
  detail TEXT,
  PRIMARY KEY (flag_no),
  FOREIGN KEY (carrier_id) REFERENCES carriers (carrier_id)
);
CREATE TABLE compliance_seqs (
  flag_no INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  seq INTEGER,
  PRIMARY KEY (flag_no, ord),
  FOREIGN KEY (flag_no) REFERENCES compliance (flag_no)
);
CREATE TABLE indicators (
  carrier_id TEXT NOT NULL,
  year INTEGER NOT NULL,
  assessment_class TEXT,
  incubated_firms INTEGER,
  new_incubated_firms INTEGER,
  graduated_firms INTEGER,
  high_tech_firms INTEGER,
  tech_sme_firms INTEGER,
  rd_spend_fen INTEGER,
  ip_granted INTEGER,
  invention_patents INTEGER,
  firms_financed INTEGER,
  financing_fen INTEGER,
  jobs INTEGER,
  mentors INTEGER,
  service_staff INTEGER,
  service_revenue_fen INTEGER,
  events_held INTEGER,
  area_m2 INTEGER,
  incubation_fund_fen INTEGER,
  seats INTEGER,
  resident_teams INTEGER,
  new_companies INTEGER,
  total_income_fen INTEGER,
  non_rent_income_fen INTEGER,
  public_platforms INTEGER,
  university_results INTEGER,
  results_transferred INTEGER,
  results_transfer_income_fen INTEGER,
  tech_contracts INTEGER,
  tech_contract_fen INTEGER,
  accreditations_national INTEGER,
  accreditations_regional INTEGER,
  accreditations_city INTEGER,
  revocations INTEGER,
  evaluations_excellent INTEGER,
  evaluations_good INTEGER,
  evaluations_pass INTEGER,
  evaluations_fail INTEGER,
  entitlements_created INTEGER,
  entitlements_fen INTEGER,
  entitlements_pending INTEGER,
  entitlements_pending_fen INTEGER,
  disbursed_fen INTEGER,
  clawed_back_fen INTEGER,
  brand_output_filings INTEGER,
  brand_output_unfiled_starts INTEGER,
  workstations_opened INTEGER,
  workstations_total INTEGER,
  brokers_qualified INTEGER,
  brokers_total INTEGER,
  funds_established INTEGER,
  funds_size_fen INTEGER,
  awards_approved_in_full INTEGER,
  awards_paid_in_full INTEGER,
  approval_days_median INTEGER,
  disbursement_days_median INTEGER,
  market_operated INTEGER,
  operator_changes INTEGER,
  funds_seed INTEGER,
  funds_angel INTEGER,
  funds_venture INTEGER,
  funds_social_capital_fen INTEGER,
  agreements_signed INTEGER,
  agreements_ended INTEGER,
  agreements_bank INTEGER,
  agreements_guarantor INTEGER,
  agreements_investment INTEGER,
  credit_line_fen INTEGER,
  investors_joined INTEGER,
  investors_left INTEGER,
  investors_resident INTEGER,
  city_fund_supports INTEGER,
  city_fund_support_fen INTEGER,
  workstations_closed INTEGER,
  brokers_left INTEGER,
  deals INTEGER,
  deal_fen INTEGER,
  annual_report_seq INTEGER,
  carriers INTEGER,
  PRIMARY KEY (carrier_id, year),
  FOREIGN KEY (carrier_id) REFERENCES carriers (carrier_id)
);
CREATE TABLE class_indicators (
  year INTEGER NOT NULL,
  assessment_class TEXT NOT NULL,
  incubated_firms INTEGER,
  new_incubated_firms INTEGER,
  graduated_firms INTEGER,
  high_tech_firms INTEGER,
  tech_sme_firms INTEGER,
  rd_spend_fen INTEGER,
  ip_granted INTEGER,
  invention_patents INTEGER,
  firms_financed INTEGER,
  financing_fen INTEGER,
  jobs INTEGER,
  mentors INTEGER,
  service_staff INTEGER,
  service_revenue_fen INTEGER,
  events_held INTEGER,
  area_m2 INTEGER,
  incubation_fund_fen INTEGER,
  seats INTEGER,
  resident_teams INTEGER,
  new_companies INTEGER,
  total_income_fen INTEGER,
  non_rent_income_fen INTEGER,
  public_platforms INTEGER,
  university_results INTEGER,
  results_transferred INTEGER,
  results_transfer_income_fen INTEGER,
  tech_contracts INTEGER,
  tech_contract_fen INTEGER,
  accreditations_national INTEGER,
  accreditations_regional INTEGER,
  accreditations_city INTEGER,
  revocations INTEGER,
  evaluations_excellent INTEGER,
  evaluations_good INTEGER,
  evaluations_pass INTEGER,
  evaluations_fail INTEGER,
  entitlements_created INTEGER,
  entitlements_fen INTEGER,
  entitlements_pending INTEGER,
  entitlements_pending_fen INTEGER,
  disbursed_fen INTEGER,
  clawed_back_fen INTEGER,
  brand_output_filings INTEGER,
  brand_output_unfiled_starts INTEGER,
  workstations_opened INTEGER,
  workstations_total INTEGER,
  brokers_qualified INTEGER,
  brokers_total INTEGER,
  funds_established INTEGER,
  funds_size_fen INTEGER,
  awards_approved_in_full INTEGER,
  awards_paid_in_full INTEGER,
  approval_days_median INTEGER,
  disbursement_days_median INTEGER,
  market_operated INTEGER,
  operator_changes INTEGER,
  funds_seed INTEGER,
  funds_angel INTEGER,
  funds_venture INTEGER,
  funds_social_capital_fen INTEGER,
  agreements_signed INTEGER,
  agreements_ended INTEGER,
  agreements_bank INTEGER,
  agreements_guarantor INTEGER,
  agreements_investment INTEGER,
  credit_line_fen INTEGER,
  investors_joined INTEGER,
  investors_left INTEGER,
  investors_resident INTEGER,
  city_fund_supports INTEGER,
  city_fund_support_fen INTEGER,
  workstations_closed INTEGER,
  brokers_left INTEGER,
  deals INTEGER,
  deal_fen INTEGER,
  annual_report_seq INTEGER,
  carriers INTEGER,
  PRIMARY KEY (year, assessment_class)
);
CREATE TABLE assessment (
  year INTEGER NOT NULL,
  carrier_id TEXT NOT NULL,
  assessment_class TEXT,
  rank INTEGER,
  score_centi INTEGER,
  ruleset_id TEXT,
  PRIMARY KEY (year, carrier_id),
  FOREIGN KEY (carrier_id, year) REFERENCES indicators (carrier_id, year)
);
CREATE TABLE assessment_contributions (
  year INTEGER NOT NULL,
  carrier_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  indicator TEXT,
  value INTEGER,
  points_centi INTEGER,
  PRIMARY KEY (year, carrier_id, ord),
  FOREIGN KEY (year, carrier_id) REFERENCES assessment (year, carrier_id)
);
CREATE TABLE counties (
  year INTEGER NOT NULL,
  county TEXT,
  county_name TEXT,
  carriers INTEGER,
  carriers_incubator INTEGER,
  carriers_maker_space INTEGER,
  carriers_star_space INTEGER,
  carriers_national INTEGER,
  carriers_regional INTEGER,
  carriers_city INTEGER,
  carriers_unaccredited INTEGER,
  accreditations INTEGER,
  revocations INTEGER,
  awards_created INTEGER,
  awards_created_fen INTEGER,
  disbursed_fen INTEGER,
  clawed_back_fen INTEGER,
  carriers_market_operated INTEGER,
  awards_unpaid INTEGER,
  unpaid_fen INTEGER,
  awards_approved_in_full INTEGER,
  awards_paid_in_full INTEGER,
  flags INTEGER,
  funds_established INTEGER,
  funds_size_fen INTEGER,
  funds_social_capital_fen INTEGER,
  agreements_in_force INTEGER,
  credit_line_fen INTEGER,
  investors_resident INTEGER,
  city_fund_supports INTEGER,
  city_fund_support_fen INTEGER,
  workstations_open INTEGER,
  brokers INTEGER,
  deals INTEGER,
  deal_fen INTEGER,
  approval_days_median INTEGER,
  disbursement_days_median INTEGER,
  scored_incubator_comprehensive INTEGER,
  scored_incubator_specialized INTEGER,
  scored_space_social INTEGER,
  scored_space_university INTEGER,
  mean_score_centi_incubator_comprehensive INTEGER,
  mean_score_centi_incubator_specialized INTEGER,
  mean_score_centi_space_social INTEGER,
  mean_score_centi_space_university INTEGER
);
CREATE TABLE meta (
  key TEXT NOT NULL,
  value TEXT,
  PRIMARY KEY (key)
);
CREATE INDEX events_by_type ON events (type);
CREATE INDEX events_by_carrier ON events (carrier_id);
CREATE INDEX events_by_effective_date ON events (effective_date);
CREATE INDEX entitlements_by_carrier ON entitlements (carrier_id);
CREATE INDEX payouts_by_entitlement ON payouts (entitlement_id);
CREATE INDEX payouts_by_carrier ON payouts (carrier_id);
CREATE INDEX compliance_by_carrier ON compliance (carrier_id);
CREATE INDEX indicators_by_year ON indicators (year, assessment_class);
CREATE INDEX assessment_by_rank ON assessment (year, assessment_class, rank);
CREATE INDEX counties_by_year ON counties (year, county);
CREATE VIEW awards_with_payouts AS
SELECT e.entitlement_id, e.carrier_id, c.name AS carrier_name, c.county,
  (SELECT h.county FROM carrier_counties AS h
    WHERE h.carrier_id = e.carrier_id AND h.since <= e.triggered_on
    ORDER BY h.since DESC, h.ord DESC LIMIT 1) AS county_when_owed,
  e.rule_id, e.clause, e.status AS award_status, e.triggered_on, e.amount_fen AS award_fen,
  e.disbursed_fen AS award_disbursed_fen, e.outstanding_fen, e.clawback_due_fen,
  p.payout_id, p.amount_fen AS payout_fen, p.status AS payout_status, p.approved_seq,
  p.approved_on, p.approved_by, a.document_ref AS approval_document, p.disbursed_seq,
  p.disbursed_on, p.disbursed_by, p.voucher_no,
  CAST(julianday(p.approved_on) - julianday(e.triggered_on) AS INTEGER) AS days_to_approval,
  CAST(julianday(p.disbursed_on) - julianday(e.triggered_on) AS INTEGER) AS days_to_disbursal
FROM entitlements AS e
JOIN carriers AS c ON c.carrier_id = e.carrier_id
LEFT JOIN payouts AS p ON p.entitlement_id = e.entitlement_id
LEFT JOIN events AS a ON a.seq = p.approved_seq
ORDER BY e.entitlement_id, p.approved_seq;
CREATE VIEW carrier_history AS
SELECT h.carrier_id, c.name AS carrier_name, h.since AS date, h.seq, 'county' AS change,
  h.county, NULL AS level, NULL AS detail, v.document_ref
FROM carrier_counties AS h JOIN carriers AS c ON c.carrier_id = h.carrier_id
LEFT JOIN events AS v ON v.seq = h.seq
UNION ALL
SELECT t.carrier_id, c.name, t.date, t.seq, 'level ' || t.action, NULL, t.level, t.detail,
  v.document_ref
FROM carrier_level_history AS t JOIN carriers AS c ON c.carrier_id = t.carrier_id
LEFT JOIN events AS v ON v.seq = t.seq
UNION ALL
SELECT x.carrier_id, c.name, x.date, x.seq, 'evaluation', NULL, x.level,
  x.grade || ' (' || x.year || ')', v.document_ref
FROM carrier_evaluations AS x JOIN carriers AS c ON c.carrier_id = x.carrier_id
LEFT JOIN events AS v ON v.seq = x.seq
ORDER BY 1, 3, 4;
CREATE VIEW retractions AS
SELECT r.seq AS retraction_seq, r.effective_date, r.recorded_at, r.actor_id, r.document_ref,
  json_extract(r.canonical_json, '$.data.reason') AS reason,
  json_extract(r.canonical_json, '$.data.retracted_seq') AS retracted_seq,
  x.type AS retracted_type, x.stream AS retracted_stream,
  x.effective_date AS retracted_effective_date
FROM events AS r
LEFT JOIN events AS x ON x.seq = json_extract(r.canonical_json, '$.data.retracted_seq')
WHERE r.type = 'EventRetracted'
ORDER BY r.seq;
