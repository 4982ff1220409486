-- The complete reference data (SPEC §2, §5): GB 36600-2018 Tables 1 and 2, GB 15618-2018
-- Tables 1–3 and the 2023 用地用海 codes, seeded from sql/reference/ (copies of the shared
-- reference files); how samples are judged against them (non-detects, units, the site's
-- standard and row, `unassessed`); and reference changes that take effect at once: a change
-- to these tables, by a migration, `soilshare reference load` or plain SQL, re-evaluates
-- every stored record it affects in its own transaction and tells every server.

-- GB 36600-2018: every item of Tables 1 (basic, 45) and 2 (other, 40), with its table and
-- row number. Values in mg/kg (dioxins: mg/kg TEQ).
DELETE FROM gb36600_values;
ALTER TABLE gb36600_values
	ADD COLUMN tbl integer NOT NULL CHECK (tbl IN (1, 2)),
	ADD COLUMN no integer NOT NULL CHECK (no > 0);
ALTER TABLE gb36600_values
	ADD CHECK (pollutant ~ '^[A-Za-z][A-Za-z0-9_]{0,39}$'),
	ADD CHECK (screening_class_i >= 0 AND screening_class_ii >= 0
		   AND intervention_class_i >= screening_class_i
		   AND intervention_class_ii >= screening_class_ii);

-- GB 15618-2018: Table 1 screening values by land type (paddy, other, orchard for Cu, or any)
-- and pH band, Table 2 (single values, repeated in the four bands) and Table 3 control values
-- (any farmland). Which row a sample meets is sample_derived()'s choice.
DROP TABLE gb15618_values;
CREATE TABLE gb15618_values (
	pollutant   text NOT NULL CHECK (pollutant ~ '^[A-Za-z][A-Za-z0-9_]{0,39}$'),
	name_zh     text NOT NULL,
	tbl         integer NOT NULL CHECK (tbl IN (1, 2, 3)),
	land_type   text NOT NULL CHECK (land_type IN ('paddy', 'other', 'orchard', 'any')),
	value_kind  text NOT NULL CHECK (value_kind IN ('screening', 'control')),
	ph_le_5_5   numeric NOT NULL CHECK (ph_le_5_5 >= 0),
	ph_5_5_6_5  numeric NOT NULL CHECK (ph_5_5_6_5 >= 0),
	ph_6_5_7_5  numeric NOT NULL CHECK (ph_6_5_7_5 >= 0),
	ph_gt_7_5   numeric NOT NULL CHECK (ph_gt_7_5 >= 0),
	unit        text NOT NULL,
	note        text,
	PRIMARY KEY (pollutant, land_type, value_kind)
);

-- The 2023 national land and sea use classification (用地用海分类), levels 1–3: each code's
-- GB 36600 class ('n/a': not construction land, judged as class I) and task-5 flag.
CREATE TABLE land_use_codes (
	code                text PRIMARY KEY CHECK (code ~ '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$'),
	name_zh             text NOT NULL,
	gb36600_class       text NOT NULL CHECK (gb36600_class IN ('I', 'II', 'n/a')),
	sensitive           boolean NOT NULL,
	gb50137_equivalent  text,
	note                text
);

-- Seed rows generated from sql/reference/gb36600-2018.csv, gb15618-2018.csv and
-- land-use-yongdi-yonghai.csv (the sources column stays in the files).
INSERT INTO gb36600_values (tbl, no, pollutant, name_zh, cas, screening_class_i, screening_class_ii,
			    intervention_class_i, intervention_class_ii, unit, note) VALUES
	(1, 1, 'As', '砷', '7440-38-2', 20, 60, 120, 140, 'mg/kg', '① table footnote: if the measured content exceeds the screening value but is at or below the soil environmental background value (Annex A of the standard) the plot is not managed as a contaminated site (footnote mark ① printed on both class I and class II screening values)'),
	(1, 2, 'Cd', '镉', '7440-43-9', 20, 65, 47, 172, 'mg/kg', NULL),
	(1, 3, 'Cr6', '铬（六价）', '18540-29-9', 3.0, 5.7, 30, 78, 'mg/kg', 'printed name 铬（六价）'),
	(1, 4, 'Cu', '铜', '7440-50-8', 2000, 18000, 8000, 36000, 'mg/kg', NULL),
	(1, 5, 'Pb', '铅', '7439-92-1', 400, 800, 800, 2500, 'mg/kg', NULL),
	(1, 6, 'Hg', '汞', '7439-97-6', 8, 38, 33, 82, 'mg/kg', NULL),
	(1, 7, 'Ni', '镍', '7440-02-0', 150, 900, 600, 2000, 'mg/kg', NULL),
	(1, 8, 'carbon_tetrachloride', '四氯化碳', '56-23-5', 0.9, 2.8, 9, 36, 'mg/kg', NULL),
	(1, 9, 'chloroform', '氯仿', '67-66-3', 0.3, 0.9, 5, 10, 'mg/kg', 'also called 三氯甲烷'),
	(1, 10, 'chloromethane', '氯甲烷', '74-87-3', 12, 37, 21, 120, 'mg/kg', NULL),
	(1, 11, 'dichloroethane_1_1', '1,1-二氯乙烷', '75-34-3', 3, 9, 20, 100, 'mg/kg', NULL),
	(1, 12, 'dichloroethane_1_2', '1,2-二氯乙烷', '107-06-2', 0.52, 5, 6, 21, 'mg/kg', NULL),
	(1, 13, 'dichloroethene_1_1', '1,1-二氯乙烯', '75-35-4', 12, 66, 40, 200, 'mg/kg', NULL),
	(1, 14, 'cis_dichloroethene_1_2', '顺-1,2-二氯乙烯', '156-59-2', 66, 596, 200, 2000, 'mg/kg', NULL),
	(1, 15, 'trans_dichloroethene_1_2', '反-1,2-二氯乙烯', '156-60-5', 10, 54, 31, 163, 'mg/kg', NULL),
	(1, 16, 'dichloromethane', '二氯甲烷', '75-09-2', 94, 616, 300, 2000, 'mg/kg', NULL),
	(1, 17, 'dichloropropane_1_2', '1,2-二氯丙烷', '78-87-5', 1, 5, 5, 47, 'mg/kg', NULL),
	(1, 18, 'tetrachloroethane_1_1_1_2', '1,1,1,2-四氯乙烷', '630-20-6', 2.6, 10, 26, 100, 'mg/kg', NULL),
	(1, 19, 'tetrachloroethane_1_1_2_2', '1,1,2,2-四氯乙烷', '79-34-5', 1.6, 6.8, 14, 50, 'mg/kg', NULL),
	(1, 20, 'tetrachloroethene', '四氯乙烯', '127-18-4', 11, 53, 34, 183, 'mg/kg', NULL),
	(1, 21, 'trichloroethane_1_1_1', '1,1,1-三氯乙烷', '71-55-6', 701, 840, 840, 840, 'mg/kg', NULL),
	(1, 22, 'trichloroethane_1_1_2', '1,1,2-三氯乙烷', '79-00-5', 0.6, 2.8, 5, 15, 'mg/kg', NULL),
	(1, 23, 'trichloroethene', '三氯乙烯', '79-01-6', 0.7, 2.8, 7, 20, 'mg/kg', NULL),
	(1, 24, 'trichloropropane_1_2_3', '1,2,3-三氯丙烷', '96-18-4', 0.05, 0.5, 0.5, 5, 'mg/kg', NULL),
	(1, 25, 'vinyl_chloride', '氯乙烯', '75-01-4', 0.12, 0.43, 1.2, 4.3, 'mg/kg', NULL),
	(1, 26, 'benzene', '苯', '71-43-2', 1, 4, 10, 40, 'mg/kg', NULL),
	(1, 27, 'chlorobenzene', '氯苯', '108-90-7', 68, 270, 200, 1000, 'mg/kg', NULL),
	(1, 28, 'dichlorobenzene_1_2', '1,2-二氯苯', '95-50-1', 560, 560, 560, 560, 'mg/kg', NULL),
	(1, 29, 'dichlorobenzene_1_4', '1,4-二氯苯', '106-46-7', 5.6, 20, 56, 200, 'mg/kg', NULL),
	(1, 30, 'ethylbenzene', '乙苯', '100-41-4', 7.2, 28, 72, 280, 'mg/kg', NULL),
	(1, 31, 'styrene', '苯乙烯', '100-42-5', 1290, 1290, 1290, 1290, 'mg/kg', NULL),
	(1, 32, 'toluene', '甲苯', '108-88-3', 1200, 1200, 1200, 1200, 'mg/kg', NULL),
	(1, 33, 'm_p_xylene', '间二甲苯+对二甲苯', '108-38-3,106-42-3', 163, 570, 500, 570, 'mg/kg', 'two CAS numbers printed; value applies to the sum of m- and p-xylene'),
	(1, 34, 'o_xylene', '邻二甲苯', '95-47-6', 222, 640, 640, 640, 'mg/kg', NULL),
	(1, 35, 'nitrobenzene', '硝基苯', '98-95-3', 34, 76, 190, 760, 'mg/kg', NULL),
	(1, 36, 'aniline', '苯胺', '62-53-3', 92, 260, 211, 663, 'mg/kg', NULL),
	(1, 37, 'chlorophenol_2', '2-氯酚', '95-57-8', 250, 2256, 500, 4500, 'mg/kg', NULL),
	(1, 38, 'benzo_a_anthracene', '苯并[a]蒽', '56-55-3', 5.5, 15, 55, 151, 'mg/kg', NULL),
	(1, 39, 'benzo_a_pyrene', '苯并[a]芘', '50-32-8', 0.55, 1.5, 5.5, 15, 'mg/kg', NULL),
	(1, 40, 'benzo_b_fluoranthene', '苯并[b]荧蒽', '205-99-2', 5.5, 15, 55, 151, 'mg/kg', NULL),
	(1, 41, 'benzo_k_fluoranthene', '苯并[k]荧蒽', '207-08-9', 55, 151, 550, 1500, 'mg/kg', NULL),
	(1, 42, 'chrysene', '䓛', '218-01-9', 490, 1293, 4900, 12900, 'mg/kg', 'printed with the rare character 䓛 (U+44DB); some sources write 屈'),
	(1, 43, 'dibenz_a_h_anthracene', '二苯并[a,h]蒽', '53-70-3', 0.55, 1.5, 5.5, 15, 'mg/kg', 'source xlj prints 二苯并[a, h]蒽 (space), jee/srs 二苯并[a,h]蒽'),
	(1, 44, 'indeno_1_2_3_cd_pyrene', '茚并[1,2,3-cd]芘', '193-39-5', 5.5, 15, 55, 151, 'mg/kg', NULL),
	(1, 45, 'naphthalene', '萘', '91-20-3', 25, 70, 255, 700, 'mg/kg', NULL),
	(2, 1, 'Sb', '锑', '7440-36-0', 20, 180, 40, 360, 'mg/kg', NULL),
	(2, 2, 'Be', '铍', '7440-41-7', 15, 29, 98, 290, 'mg/kg', NULL),
	(2, 3, 'Co', '钴', '7440-48-4', 20, 70, 190, 350, 'mg/kg', '① table footnote: if the measured content exceeds the screening value but is at or below the soil environmental background value (Annex A of the standard) the plot is not managed as a contaminated site'),
	(2, 4, 'CH3Hg', '甲基汞', '22967-92-6', 5.0, 45, 10, 120, 'mg/kg', 'class I screening given as 5.0 by xlj (jee: 5)'),
	(2, 5, 'V', '钒', '7440-62-2', 165, 752, 330, 1500, 'mg/kg', '① table footnote: if the measured content exceeds the screening value but is at or below the soil environmental background value (Annex A of the standard) the plot is not managed as a contaminated site'),
	(2, 6, 'CN', '氰化物', '57-12-5', 22, 135, 44, 270, 'mg/kg', NULL),
	(2, 7, 'bromodichloromethane', '一溴二氯甲烷', '75-27-4', 0.29, 1.2, 2.9, 12, 'mg/kg', NULL),
	(2, 8, 'bromoform', '溴仿', '75-25-2', 32, 103, 320, 1030, 'mg/kg', NULL),
	(2, 9, 'dibromochloromethane', '二溴氯甲烷', '124-48-1', 9.3, 33, 93, 330, 'mg/kg', NULL),
	(2, 10, 'dibromoethane_1_2', '1,2-二溴乙烷', '106-93-4', 0.07, 0.24, 0.7, 2.4, 'mg/kg', NULL),
	(2, 11, 'hexachlorocyclopentadiene', '六氯环戊二烯', '77-47-4', 1.1, 5.2, 2.3, 10, 'mg/kg', NULL),
	(2, 12, 'dinitrotoluene_2_4', '2,4-二硝基甲苯', '121-14-2', 1.8, 5.2, 18, 52, 'mg/kg', NULL),
	(2, 13, 'dichlorophenol_2_4', '2,4-二氯酚', '120-83-2', 117, 843, 234, 1690, 'mg/kg', NULL),
	(2, 14, 'trichlorophenol_2_4_6', '2,4,6-三氯酚', '88-06-2', 39, 137, 78, 560, 'mg/kg', NULL),
	(2, 15, 'dinitrophenol_2_4', '2,4-二硝基酚', '51-28-5', 78, 562, 156, 1130, 'mg/kg', NULL),
	(2, 16, 'pentachlorophenol', '五氯酚', '87-86-5', 1.1, 2.7, 12, 27, 'mg/kg', NULL),
	(2, 17, 'dehp', '邻苯二甲酸二(2-乙基己基)酯', '117-81-7', 42, 121, 420, 1210, 'mg/kg', NULL),
	(2, 18, 'butyl_benzyl_phthalate', '邻苯二甲酸丁基苄酯', '85-68-7', 312, 900, 3120, 9000, 'mg/kg', NULL),
	(2, 19, 'di_n_octyl_phthalate', '邻苯二甲酸二正辛酯', '117-84-0', 390, 2812, 800, 5700, 'mg/kg', NULL),
	(2, 20, 'dichlorobenzidine_3_3', '3,3''-二氯联苯胺', '91-94-1', 1.3, 3.6, 13, 36, 'mg/kg', NULL),
	(2, 21, 'atrazine', '阿特拉津', '1912-24-9', 2.6, 7.4, 26, 74, 'mg/kg', NULL),
	(2, 22, 'chlordane', '氯丹', '12789-03-6', 2.0, 6.2, 20, 62, 'mg/kg', 'value applies to a sum of isomers defined in a table footnote (footnote text not retrieved)'),
	(2, 23, 'pp_ddd', 'p,p''-滴滴滴', '72-54-8', 2.5, 7.1, 25, 71, 'mg/kg', NULL),
	(2, 24, 'pp_dde', 'p,p''-滴滴伊', '72-55-9', 2.0, 7.0, 20, 70, 'mg/kg', NULL),
	(2, 25, 'ddt', '滴滴涕', '50-29-3', 2.0, 6.7, 21, 67, 'mg/kg', 'value applies to a sum of isomers defined in a table footnote (footnote text not retrieved); not the same quantity as GB 15618 滴滴涕总量'),
	(2, 26, 'dichlorvos', '敌敌畏', '62-73-7', 1.8, 5.0, 18, 50, 'mg/kg', NULL),
	(2, 27, 'dimethoate', '乐果', '60-51-5', 86, 619, 170, 1240, 'mg/kg', NULL),
	(2, 28, 'endosulfan', '硫丹', '115-29-7', 234, 1687, 470, 3400, 'mg/kg', 'value applies to a sum of isomers defined in a table footnote (footnote text not retrieved)'),
	(2, 29, 'heptachlor', '七氯', '76-44-8', 0.13, 0.37, 1.3, 3.7, 'mg/kg', NULL),
	(2, 30, 'hch_alpha', 'α-六六六', '319-84-6', 0.09, 0.3, 0.9, 3, 'mg/kg', NULL),
	(2, 31, 'hch_beta', 'β-六六六', '319-85-7', 0.32, 0.92, 3.2, 9.2, 'mg/kg', NULL),
	(2, 32, 'hch_gamma', 'γ-六六六', '58-89-9', 0.62, 1.9, 6.2, 19, 'mg/kg', NULL),
	(2, 33, 'hexachlorobenzene', '六氯苯', '118-74-1', 0.33, 1, 3.3, 10, 'mg/kg', NULL),
	(2, 34, 'mirex', '灭蚁灵', '2385-85-5', 0.03, 0.09, 0.3, 0.9, 'mg/kg', NULL),
	(2, 35, 'pcb_total', '多氯联苯（总量）', NULL, 0.14, 0.38, 1.4, 3.8, 'mg/kg', 'sum of specified PCB congeners per the table footnote (footnote text not retrieved); no CAS given (xlj: ''-'')'),
	(2, 36, 'pcb_126', '3,3'',4,4'',5-五氯联苯（PCB 126）', '57465-28-8', 0.00004, 0.0001, 0.0004, 0.001, 'mg/kg', 'the standard prints these in scientific notation (xlj header: rows with scientific notation were entered from the page images), i.e. 4×10⁻⁵ / 1×10⁻⁴ / 4×10⁻⁴ / 1×10⁻³ mg/kg; written here as plain decimals'),
	(2, 37, 'pcb_169', '3,3'',4,4'',5,5''-六氯联苯（PCB 169）', '32774-16-6', 0.0001, 0.0004, 0.001, 0.004, 'mg/kg', 'the standard prints these in scientific notation, i.e. 1×10⁻⁴ / 4×10⁻⁴ / 1×10⁻³ / 4×10⁻³ mg/kg; written here as plain decimals'),
	(2, 38, 'dioxins_teq', '二噁英类（总毒性当量）', NULL, 0.00001, 0.00004, 0.0001, 0.0004, 'mg/kg (TEQ)', 'total toxic equivalent (TEQ); printed in scientific notation in mg/kg (1×10⁻⁵ / 4×10⁻⁵ / 1×10⁻⁴ / 4×10⁻⁴), written here as plain decimals; jee stores the same values as 10/40/100/400 ng/kg and comments that the standard''s unit is mg/kg; no CAS given (xlj: ''-'')'),
	(2, 39, 'pbb_total', '多溴联苯（总量）', NULL, 0.02, 0.06, 0.2, 0.6, 'mg/kg', 'total; no CAS given (xlj: ''-'')'),
	(2, 40, 'tph_c10_c40', '石油烃（C10-C40）', NULL, 826, 4500, 5000, 9000, 'mg/kg', 'printed name 石油烃（C10-C40）; no CAS given (xlj: ''-'')');

INSERT INTO gb15618_values (tbl, pollutant, name_zh, land_type, value_kind, ph_le_5_5, ph_5_5_6_5,
			    ph_6_5_7_5, ph_gt_7_5, unit, note) VALUES
	(1, 'Cd', '镉', 'paddy', 'screening', 0.3, 0.4, 0.6, 0.8, 'mg/kg', 'Table 1 footnotes (wording single-sourced from the xlj module header): ① heavy metals and the metalloid As as total element content; ② for paddy-dryland rotation land use the stricter screening value'),
	(1, 'Cd', '镉', 'other', 'screening', 0.3, 0.3, 0.3, 0.6, 'mg/kg', 'Table 1 footnotes (wording single-sourced from the xlj module header): ① heavy metals and the metalloid As as total element content; ② for paddy-dryland rotation land use the stricter screening value; 其他 = all farmland other than paddy (dryland, irrigated land, orchards, etc.)'),
	(1, 'Hg', '汞', 'paddy', 'screening', 0.5, 0.5, 0.6, 1.0, 'mg/kg', 'Table 1 footnotes (wording single-sourced from the xlj module header): ① heavy metals and the metalloid As as total element content; ② for paddy-dryland rotation land use the stricter screening value'),
	(1, 'Hg', '汞', 'other', 'screening', 1.3, 1.8, 2.4, 3.4, 'mg/kg', 'Table 1 footnotes (wording single-sourced from the xlj module header): ① heavy metals and the metalloid As as total element content; ② for paddy-dryland rotation land use the stricter screening value; 其他 = all farmland other than paddy (dryland, irrigated land, orchards, etc.)'),
	(1, 'As', '砷', 'paddy', 'screening', 30, 30, 25, 20, 'mg/kg', 'Table 1 footnotes (wording single-sourced from the xlj module header): ① heavy metals and the metalloid As as total element content; ② for paddy-dryland rotation land use the stricter screening value'),
	(1, 'As', '砷', 'other', 'screening', 40, 40, 30, 25, 'mg/kg', 'Table 1 footnotes (wording single-sourced from the xlj module header): ① heavy metals and the metalloid As as total element content; ② for paddy-dryland rotation land use the stricter screening value; 其他 = all farmland other than paddy (dryland, irrigated land, orchards, etc.)'),
	(1, 'Pb', '铅', 'paddy', 'screening', 80, 100, 140, 240, 'mg/kg', 'Table 1 footnotes (wording single-sourced from the xlj module header): ① heavy metals and the metalloid As as total element content; ② for paddy-dryland rotation land use the stricter screening value'),
	(1, 'Pb', '铅', 'other', 'screening', 70, 90, 120, 170, 'mg/kg', 'Table 1 footnotes (wording single-sourced from the xlj module header): ① heavy metals and the metalloid As as total element content; ② for paddy-dryland rotation land use the stricter screening value; 其他 = all farmland other than paddy (dryland, irrigated land, orchards, etc.)'),
	(1, 'Cr', '铬', 'paddy', 'screening', 250, 250, 300, 350, 'mg/kg', 'Table 1 footnotes (wording single-sourced from the xlj module header): ① heavy metals and the metalloid As as total element content; ② for paddy-dryland rotation land use the stricter screening value'),
	(1, 'Cr', '铬', 'other', 'screening', 150, 150, 200, 250, 'mg/kg', 'Table 1 footnotes (wording single-sourced from the xlj module header): ① heavy metals and the metalloid As as total element content; ② for paddy-dryland rotation land use the stricter screening value; 其他 = all farmland other than paddy (dryland, irrigated land, orchards, etc.)'),
	(1, 'Cu', '铜', 'orchard', 'screening', 150, 150, 200, 200, 'mg/kg', 'Table 1 footnotes (wording single-sourced from the xlj module header): ① heavy metals and the metalloid As as total element content; ② for paddy-dryland rotation land use the stricter screening value; Cu is split 果园 (orchard) / 其他 (other = all other farmland, incl. paddy)'),
	(1, 'Cu', '铜', 'other', 'screening', 50, 50, 100, 100, 'mg/kg', 'Table 1 footnotes (wording single-sourced from the xlj module header): ① heavy metals and the metalloid As as total element content; ② for paddy-dryland rotation land use the stricter screening value; Cu is split 果园 (orchard) / 其他 (other = all other farmland, incl. paddy)'),
	(1, 'Ni', '镍', 'any', 'screening', 60, 70, 100, 190, 'mg/kg', 'Table 1 footnotes (wording single-sourced from the xlj module header): ① heavy metals and the metalloid As as total element content; ② for paddy-dryland rotation land use the stricter screening value; single row for all land types'),
	(1, 'Zn', '锌', 'any', 'screening', 200, 200, 250, 300, 'mg/kg', 'Table 1 footnotes (wording single-sourced from the xlj module header): ① heavy metals and the metalloid As as total element content; ② for paddy-dryland rotation land use the stricter screening value; single row for all land types'),
	(2, 'hch_total', '六六六总量', 'any', 'screening', 0.10, 0.10, 0.10, 0.10, 'mg/kg', 'total of HCH isomers as defined in the table footnote (footnote text not retrieved); single value, no pH bands; optional item (其他项目, 选测)'),
	(2, 'ddt_total', '滴滴涕总量', 'any', 'screening', 0.10, 0.10, 0.10, 0.10, 'mg/kg', 'total of DDT and derivatives as defined in the table footnote (footnote text not retrieved); not the same quantity as GB 36600 滴滴涕; single value, no pH bands; optional item'),
	(2, 'benzo_a_pyrene', '苯并[a]芘', 'any', 'screening', 0.55, 0.55, 0.55, 0.55, 'mg/kg', 'single value, no pH bands; optional item'),
	(3, 'Cd', '镉', 'any', 'control', 1.5, 2.0, 3.0, 4.0, 'mg/kg', 'Table 3 control values apply to all farmland types (not split by land type); Cu, Ni, Zn and Table 2 items have no control value'),
	(3, 'Hg', '汞', 'any', 'control', 2.0, 2.5, 4.0, 6.0, 'mg/kg', 'Table 3 control values apply to all farmland types (not split by land type); Cu, Ni, Zn and Table 2 items have no control value'),
	(3, 'As', '砷', 'any', 'control', 200, 150, 120, 100, 'mg/kg', 'Table 3 control values apply to all farmland types (not split by land type); Cu, Ni, Zn and Table 2 items have no control value'),
	(3, 'Pb', '铅', 'any', 'control', 400, 500, 700, 1000, 'mg/kg', 'Table 3 control values apply to all farmland types (not split by land type); Cu, Ni, Zn and Table 2 items have no control value'),
	(3, 'Cr', '铬', 'any', 'control', 800, 850, 1000, 1300, 'mg/kg', 'Table 3 control values apply to all farmland types (not split by land type); Cu, Ni, Zn and Table 2 items have no control value');

INSERT INTO land_use_codes (code, name_zh, gb36600_class, sensitive, gb50137_equivalent, note) VALUES
	('01', '耕地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply; GB 15618 applies to 耕地 and may be applied by reference (参照执行) to 园地 and 牧草地'),
	('0101', '水田', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply; GB 15618 applies to 耕地 and may be applied by reference (参照执行) to 园地 and 牧草地'),
	('0102', '水浇地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply; GB 15618 applies to 耕地 and may be applied by reference (参照执行) to 园地 and 牧草地'),
	('0103', '旱地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply; GB 15618 applies to 耕地 and may be applied by reference (参照执行) to 园地 and 牧草地'),
	('02', '园地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply; GB 15618 applies to 耕地 and may be applied by reference (参照执行) to 园地 and 牧草地'),
	('0201', '果园', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply; GB 15618 applies to 耕地 and may be applied by reference (参照执行) to 园地 and 牧草地'),
	('0202', '茶园', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply; GB 15618 applies to 耕地 and may be applied by reference (参照执行) to 园地 and 牧草地'),
	('0203', '橡胶园地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply; GB 15618 applies to 耕地 and may be applied by reference (参照执行) to 园地 and 牧草地'),
	('0204', '油料园地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply; GB 15618 applies to 耕地 and may be applied by reference (参照执行) to 园地 and 牧草地'),
	('0205', '其他园地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply; GB 15618 applies to 耕地 and may be applied by reference (参照执行) to 园地 and 牧草地'),
	('03', '林地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('0301', '乔木林地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('0302', '竹林地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('0303', '灌木林地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('0304', '其他林地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('04', '草地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply; GB 15618 applies to 耕地 and may be applied by reference (参照执行) to 园地 and 牧草地'),
	('0401', '天然牧草地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply; GB 15618 applies to 耕地 and may be applied by reference (参照执行) to 园地 and 牧草地'),
	('0402', '人工牧草地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply; GB 15618 applies to 耕地 and may be applied by reference (参照执行) to 园地 and 牧草地'),
	('0403', '其他草地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply; GB 15618 may be applied by reference only to 牧草地 (0401/0402)'),
	('05', '湿地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('0501', '森林沼泽', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('0502', '灌丛沼泽', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('0503', '沼泽草地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('0504', '其他沼泽地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('0505', '沿海滩涂', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('0506', '内陆滩涂', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('0507', '红树林地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('06', '农业设施建设用地', 'II', false, NULL, 'judgment: classified II (rural roads and agricultural facility land; not named in GB 36600 §3.3); see subcodes'),
	('0601', '农村道路', 'II', false, NULL, 'judgment: rural roads, classified II (no sensitive exposure named in GB 36600 §3.3); code/name single-sourced (kgt only; absent from cct''s list)'),
	('060101', '村道用地', 'II', false, NULL, 'judgment: rural roads, classified II (no sensitive exposure named in GB 36600 §3.3)'),
	('060102', '田间道', 'II', false, NULL, 'judgment: rural roads, classified II (no sensitive exposure named in GB 36600 §3.3)'),
	('0602', '设施农用地', 'II', false, NULL, 'judgment: agricultural facility land classified II; for crop-growing facility land the farmland standard GB 15618 may be the more relevant reference'),
	('060201', '种植设施建设用地', 'II', false, NULL, 'judgment: agricultural facility land classified II; for crop-growing facility land the farmland standard GB 15618 may be the more relevant reference'),
	('060202', '畜禽养殖设施建设用地', 'II', false, NULL, 'judgment: agricultural facility land classified II; for crop-growing facility land the farmland standard GB 15618 may be the more relevant reference'),
	('060203', '水产养殖设施建设用地', 'II', false, NULL, 'judgment: agricultural facility land classified II; for crop-growing facility land the farmland standard GB 15618 may be the more relevant reference'),
	('07', '居住用地', 'I', true, 'R', 'GB 36600 §3.3 class I: 居住用地 (GB 50137 R)'),
	('0701', '城镇住宅用地', 'I', true, 'R11/R21/R31 (住宅用地)', 'GB 36600 §3.3 class I: 居住用地 (GB 50137 R)'),
	('070101', '一类城镇住宅用地', 'I', true, 'R11', 'GB 36600 §3.3 class I: 居住用地 (GB 50137 R)'),
	('070102', '二类城镇住宅用地', 'I', true, 'R21', 'GB 36600 §3.3 class I: 居住用地 (GB 50137 R)'),
	('070103', '三类城镇住宅用地', 'I', true, 'R31', 'GB 36600 §3.3 class I: 居住用地 (GB 50137 R)'),
	('0702', '城镇社区服务设施用地', 'I', true, 'R12/R22/R32 (服务设施用地)', 'GB 36600 §3.3 class I: 居住用地 (GB 50137 R); GB 50137 places residential-area service facilities (幼托, 文化, 体育, 商业, 卫生服务, 养老助残; not 中小学) in R12/R22/R32, i.e. inside R'),
	('0703', '农村宅基地', 'I', true, 'H14 (part)', 'judgment: rural homestead land is not 城市建设用地 in GB 50137 (it falls under H14 村庄建设用地), so §3.3 does not name it; classified I by analogy with 居住用地 (GB 36600 3.1 defines 建设用地 as including 城乡住宅; 5.3.1 applies class I values when the planned use is unclear)'),
	('070301', '一类农村宅基地', 'I', true, NULL, 'judgment: rural homestead land is not 城市建设用地 in GB 50137 (it falls under H14 村庄建设用地), so §3.3 does not name it; classified I by analogy with 居住用地 (GB 36600 3.1 defines 建设用地 as including 城乡住宅; 5.3.1 applies class I values when the planned use is unclear)'),
	('070302', '二类农村宅基地', 'I', true, NULL, 'judgment: rural homestead land is not 城市建设用地 in GB 50137 (it falls under H14 村庄建设用地), so §3.3 does not name it; classified I by analogy with 居住用地 (GB 36600 3.1 defines 建设用地 as including 城乡住宅; 5.3.1 applies class I values when the planned use is unclear)'),
	('0704', '农村社区服务设施用地', 'I', true, 'H14 (part)', 'judgment: rural homestead land is not 城市建设用地 in GB 50137 (it falls under H14 村庄建设用地), so §3.3 does not name it; classified I by analogy with 居住用地 (GB 36600 3.1 defines 建设用地 as including 城乡住宅; 5.3.1 applies class I values when the planned use is unclear)'),
	('08', '公共管理与公共服务用地', 'I', true, 'A', 'mixed: contains class I subcodes (080403 中小学, 080404 幼儿园, 0806 医疗卫生, 0807 社会福利) and class II subcodes; resolve at 2nd/3rd level'),
	('0801', '机关团体用地', 'II', true, 'A1', NULL),
	('0802', '科研用地', 'II', true, 'A35', NULL),
	('0803', '文化用地', 'II', true, 'A2', NULL),
	('080301', '图书与展览用地', 'II', true, 'A21', NULL),
	('080302', '文化活动用地', 'II', true, 'A22', NULL),
	('0804', '教育用地', 'I', true, 'A3 (A31-A34); 幼儿园 in R12/R22/R32', 'mixed: 080403 中小学用地 and 080404 幼儿园用地 are class I; 080401, 080402, 080405 are class II; resolve at 3rd level'),
	('080401', '高等教育用地', 'II', true, 'A31', 'class II (GB 36600 §3.3: A except A33, A5, A6)'),
	('080402', '中等职业教育用地', 'II', true, 'A32', 'class II (GB 36600 §3.3: A except A33, A5, A6)'),
	('080403', '中小学用地', 'I', true, 'A33', 'GB 36600 §3.3 class I: 中小学用地 (GB 50137 A33)'),
	('080404', '幼儿园用地', 'I', true, 'R12/R22/R32 (幼托, part)', 'class I: kindergartens (幼托) are residential service facilities inside R in GB 50137 (R12/R22/R32: ''居住小区及小区级以下的幼托…用地，不包括中小学用地''); no separate GB 50137 code'),
	('080405', '其他教育用地', 'II', true, NULL, 'class II (GB 36600 §3.3: A except A33, A5, A6)'),
	('0805', '体育用地', 'II', true, 'A4', NULL),
	('080501', '体育场馆用地', 'II', true, 'A41', NULL),
	('080502', '体育训练用地', 'II', true, 'A42', NULL),
	('0806', '医疗卫生用地', 'I', true, 'A5', 'GB 36600 §3.3 class I: 医疗卫生用地 (GB 50137 A5, which covers A51 医院, A52 卫生防疫, A53 特殊医疗, A59 其他)'),
	('080601', '医院用地', 'I', true, 'A51', 'GB 36600 §3.3 class I: 医疗卫生用地 (GB 50137 A5, which covers A51 医院, A52 卫生防疫, A53 特殊医疗, A59 其他)'),
	('080602', '基层医疗卫生设施用地', 'I', true, 'A5 (part); R12/R22/R32 卫生服务 (part)', 'GB 36600 §3.3 class I: 医疗卫生用地 (GB 50137 A5, which covers A51 医院, A52 卫生防疫, A53 特殊医疗, A59 其他)'),
	('080603', '公共卫生用地', 'I', true, 'A52', 'GB 36600 §3.3 class I: 医疗卫生用地 (GB 50137 A5, which covers A51 医院, A52 卫生防疫, A53 特殊医疗, A59 其他)'),
	('0807', '社会福利用地', 'I', true, 'A6', 'GB 36600 §3.3 class I: 社会福利设施用地 (GB 50137 A6)'),
	('080701', '老年人社会福利用地', 'I', true, 'A6', 'GB 36600 §3.3 class I: 社会福利设施用地 (GB 50137 A6)'),
	('080702', '儿童社会福利用地', 'I', true, 'A6', 'GB 36600 §3.3 class I: 社会福利设施用地 (GB 50137 A6)'),
	('080703', '残疾人社会福利用地', 'I', true, 'A6', 'GB 36600 §3.3 class I: 社会福利设施用地 (GB 50137 A6)'),
	('080704', '其他社会福利用地', 'I', true, 'A6', 'GB 36600 §3.3 class I: 社会福利设施用地 (GB 50137 A6)'),
	('09', '商业服务业用地', 'II', true, 'B', NULL),
	('0901', '商业用地', 'II', true, 'B1', NULL),
	('090101', '零售商业用地', 'II', true, 'B11', NULL),
	('090102', '批发市场用地', 'II', true, 'B12', NULL),
	('090103', '餐饮用地', 'II', true, 'B13', NULL),
	('090104', '旅馆用地', 'II', true, 'B14', NULL),
	('090105', '公用设施营业网点用地', 'II', true, 'B4', NULL),
	('0902', '商务金融用地', 'II', true, 'B2', NULL),
	('0903', '娱乐用地', 'II', true, 'B31', NULL),
	('0904', '其他商业服务业用地', 'II', true, 'B9', NULL),
	('10', '工矿用地', 'II', false, 'M + H5', 'code/name single-sourced (kgt only; absent from cct''s list)'),
	('1001', '工业用地', 'II', false, 'M', NULL),
	('100101', '一类工业用地', 'II', false, 'M1', NULL),
	('100102', '二类工业用地', 'II', false, 'M2', NULL),
	('100103', '三类工业用地', 'II', false, 'M3', NULL),
	('1002', '采矿用地', 'II', false, 'H5', 'GB 50137 H5 采矿用地 (which also covers 盐田)'),
	('1003', '盐田', 'II', false, 'H5', 'GB 50137 H5 采矿用地 covers ''采矿、采石、采沙、盐田、砖瓦窑等'''),
	('11', '仓储用地', 'II', false, 'W', NULL),
	('1101', '物流仓储用地', 'II', false, 'W', NULL),
	('110101', '一类物流仓储用地', 'II', false, 'W1', NULL),
	('110102', '二类物流仓储用地', 'II', false, 'W2', NULL),
	('110103', '三类物流仓储用地', 'II', false, 'W3', NULL),
	('1102', '储备库用地', 'II', false, NULL, NULL),
	('12', '交通运输用地', 'II', false, 'S + H2', 'code/name single-sourced (kgt only; absent from cct''s list)'),
	('1201', '铁路用地', 'II', false, 'H21', NULL),
	('1202', '公路用地', 'II', false, 'H22', NULL),
	('1203', '机场用地', 'II', false, 'H24', NULL),
	('1204', '港口码头用地', 'II', false, 'H23', NULL),
	('1205', '管道运输用地', 'II', false, 'H25', NULL),
	('1206', '城市轨道交通用地', 'II', false, 'S2', NULL),
	('1207', '城镇村道路用地', 'II', false, 'S1', NULL),
	('1208', '交通场站用地', 'II', false, 'S3/S4', NULL),
	('120801', '对外交通场站用地', 'II', false, NULL, NULL),
	('120802', '公共交通场站用地', 'II', false, 'S41', NULL),
	('120803', '社会停车场用地', 'II', false, 'S42', NULL),
	('1209', '其他交通设施用地', 'II', false, 'S9', NULL),
	('13', '公用设施用地', 'II', false, 'U', 'code/name single-sourced (kgt only; absent from cct''s list)'),
	('1301', '供水用地', 'II', false, 'U11', NULL),
	('1302', '排水用地', 'II', false, 'U21', NULL),
	('1303', '供电用地', 'II', false, 'U12', NULL),
	('1304', '供燃气用地', 'II', false, 'U13', NULL),
	('1305', '供热用地', 'II', false, 'U14', NULL),
	('1306', '通信用地', 'II', false, 'U15', NULL),
	('1307', '邮政用地', 'II', false, NULL, NULL),
	('1308', '广播电视设施用地', 'II', false, 'U16', NULL),
	('1309', '环卫用地', 'II', false, 'U22', NULL),
	('1310', '消防用地', 'II', false, 'U31', NULL),
	('1311', '水工设施用地', 'II', false, NULL, NULL),
	('1312', '其他公用设施用地', 'II', false, 'U9', NULL),
	('14', '绿地与开敞空间用地', 'I', true, 'G', 'mixed: only 社区公园/儿童公园 within 1401 are class I; 1402 防护绿地 and 1403 广场用地 are class II'),
	('1401', '公园绿地', 'I', true, 'G1', 'mixed: GB 36600 §3.3 puts only 社区公园 or 儿童公园 (within GB 50137 G1) in class I, other parks in class II; the guide has no separate code, so the whole code is marked I (conservative) — the service''s G1-C extension plays the same role'),
	('1402', '防护绿地', 'II', false, 'G2', NULL),
	('1403', '广场用地', 'II', false, 'G3', NULL),
	('15', '特殊用地', 'II', false, 'H4 + A7/A8/A9 (part)', NULL),
	('1501', '军事设施用地', 'II', false, 'H41', NULL),
	('1502', '使领馆用地', 'II', false, 'A8', NULL),
	('1503', '宗教用地', 'II', false, 'A9', NULL),
	('1504', '文物古迹用地', 'II', false, 'A7', NULL),
	('1505', '监教场所用地', 'II', false, 'H42', NULL),
	('1506', '殡葬用地', 'II', false, NULL, NULL),
	('1507', '其他特殊用地', 'II', false, NULL, NULL),
	('16', '留白用地', 'I', true, NULL, 'judgment: reserved land with no determined use; GB 36600 5.3.1 applies class I values when the planned use is unclear'),
	('17', '陆地水域', 'n/a', false, 'E1', 'not construction land (建设用地): GB 36600 does not apply; code/name single-sourced (kgt only; absent from cct''s list)'),
	('1701', '河流水面', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('1702', '湖泊水面', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('1703', '水库水面', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('1704', '坑塘水面', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('1705', '沟渠', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('1706', '冰川及常年积雪', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('18', '渔业用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('1801', '渔业基础设施用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('1802', '增养殖用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('1803', '捕捞海域', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('1804', '农林牧业用岛', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('19', '工矿通信用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('1901', '工业用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('1902', '盐田用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('1903', '固体矿产用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('1904', '油气用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('1905', '可再生能源用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('1906', '海底电缆管道用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('20', '交通运输用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('2001', '港口用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('2002', '航运用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('2003', '路桥隧道用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('2004', '机场用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('2005', '其他交通运输用海', 'n/a', false, NULL, 'NAME UNCERTAIN: cct prints 其他交通运输用海, kgt prints 其他用海; not resolved'),
	('21', '游憩用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('2101', '风景旅游用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('2102', '文体休闲娱乐用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('22', '特殊用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('2201', '军事用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('2202', '科研教育用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('2203', '海洋保护修复及海岸防护工程用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('2204', '排污倾倒用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('2205', '水下文物保护用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('2206', '其他特殊用海', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply'),
	('23', '其他土地', 'I', true, NULL, 'mixed: only 2301 空闲地 is treated as (undetermined-use) construction land (class I by 5.3.1); 2302-2307 are not construction land (n/a); code/name single-sourced (kgt only; absent from cct''s list)'),
	('2301', '空闲地', 'I', true, NULL, 'judgment: vacant land inside towns/villages treated as construction land with undetermined use; GB 36600 5.3.1 applies class I values when the planned use is unclear — reclassify by planned use'),
	('2302', '后备耕地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('2303', '田坎', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('2304', '盐碱地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('2305', '沙地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('2306', '裸土地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('2307', '裸岩石砾地', 'n/a', false, NULL, 'not construction land (建设用地): GB 36600 does not apply'),
	('24', '其他海域', 'n/a', false, NULL, 'sea use (用海): GB 36600 does not apply');


-- A land-use code of either coding, as the rules read it.
CREATE TYPE land_use AS (code text, name_zh text, gb36600_class text, sensitive boolean);

-- The entry of a land-use code: a 用地用海 code (digits) as listed; a GB 50137 code by its
-- longest listed prefix (A33 before A). NULL for a code neither list knows.
DROP FUNCTION land_use_of(text);
CREATE FUNCTION land_use_of(use_code text) RETURNS land_use
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT code, name_zh, gb36600_class, sensitive FROM land_use_codes WHERE code = use_code
	UNION ALL
	(SELECT code_prefix, name_zh, gb36600_class, sensitive FROM land_use_classes
	  WHERE use_code !~ '^[0-9]' AND starts_with(use_code, code_prefix)
	  ORDER BY length(code_prefix) DESC LIMIT 1)
	LIMIT 1
$$;

-- GB 36600 land class of a land-use code: 'I' or 'II', NULL when unknown or not construction
-- land (samples are then judged as class I, the stricter).
CREATE OR REPLACE FUNCTION land_class_of(code text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif((land_use_of(code)).gb36600_class, 'n/a') $$;

-- Every pollutant code a result or a plot may name: GB 36600 items in table order, then the
-- GB 15618 items GB 36600 lacks (total Cr, Zn, HCH and DDT totals).
CREATE VIEW pollutants AS
	SELECT pollutant AS code, name_zh, cas, 'GB36600' AS standard, tbl, no
	  FROM gb36600_values
	UNION ALL
	SELECT DISTINCT ON (tbl, pollutant) pollutant, name_zh, NULL, 'GB15618', tbl, NULL
	  FROM gb15618_values f
	 WHERE NOT EXISTS (SELECT 1 FROM gb36600_values g WHERE g.pollutant = f.pollutant)
	   AND tbl IN (1, 2);

CREATE OR REPLACE FUNCTION pollutant_zh(code text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce((SELECT name_zh FROM pollutants p WHERE p.code = pollutant_zh.code LIMIT 1), code) $$;

-- The value of a GB 15618 row for a pH band.
CREATE FUNCTION gb15618_at(f gb15618_values, band text) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE band WHEN 'le5.5' THEN f.ph_le_5_5 WHEN '5.5-6.5' THEN f.ph_5_5_6_5
			 WHEN '6.5-7.5' THEN f.ph_6_5_7_5 WHEN 'gt7.5' THEN f.ph_gt_7_5 END
$$;

-- The GB 15618 row of a pollutant for a farmland type: the type's own row (paddy, orchard),
-- else the row for any farmland, else the "other" row (cropland, grassland; Cu on paddy).
CREATE FUNCTION gb15618_row(code text, farmland text, kind text) RETURNS gb15618_values
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT * FROM gb15618_values f
	 WHERE f.pollutant = code AND f.value_kind = kind AND farmland IS DISTINCT FROM 'forest'
	   AND f.land_type IN (farmland, 'any', 'other')
	 ORDER BY CASE f.land_type WHEN farmland THEN 0 WHEN 'any' THEN 1 ELSE 2 END LIMIT 1
$$;

-- A soil sample's derived fields (SPEC §5): `exceedances`, per pollutant above a limit at the
-- highest level reached, and `unassessed`, the results with no limit at the sample's site.
-- A plot's samples meet GB 36600 for the plot's land class (class I, the stricter, when the
-- plot or its class is unknown); a key supervised unit's, GB 36600 class II; a farmland
-- unit's, GB 15618 for the unit's land type at the sample's pH (forest: none). A non-detect
-- (no value) exceeds nothing. Limits are given in the result's own unit, so that
-- ratio = value / limit.
CREATE FUNCTION sample_derived(sample jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
WITH site AS (
	SELECT CASE WHEN sample ? 'farmland_unit_id' THEN 'GB15618' ELSE 'GB36600' END AS standard,
	       CASE WHEN sample ? 'supervised_unit_uscc' THEN 'II'
		    ELSE coalesce((SELECT p.data ->> 'land_class' FROM records p
				    WHERE p.dataset = 'plots' AND p.id = sample ->> 'plot_id'
				      AND p.deleted_at IS NULL), 'I') END AS cls,
	       (SELECT u.data ->> 'land_type' FROM records u
		 WHERE sample ? 'farmland_unit_id' AND u.dataset = 'farmland-units'
		   AND u.id = sample ->> 'farmland_unit_id' AND u.deleted_at IS NULL) AS land_type,
	       ph_band((sample ->> 'ph')::numeric) AS band
), res AS (
	SELECT r ->> 'pollutant' AS pollutant, (r ->> 'value')::numeric AS value, r ->> 'unit' AS unit,
	       CASE WHEN r ->> 'unit' = 'μg/kg' THEN 1000 ELSE 1 END AS scale
	  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(sample -> 'results') = 'array'
					 THEN sample -> 'results' ELSE '[]' END) r
), limits AS (
	SELECT res.*, 'GB36600' AS standard, site.cls AS land_class, NULL::text AS band,
	       CASE site.cls WHEN 'I' THEN g.screening_class_i ELSE g.screening_class_ii END
		       * res.scale AS screening,
	       CASE site.cls WHEN 'I' THEN g.intervention_class_i ELSE g.intervention_class_ii END
		       * res.scale AS intervention
	  FROM res JOIN gb36600_values g ON g.pollutant = res.pollutant, site
	 WHERE site.standard = 'GB36600'
	UNION ALL
	SELECT res.*, 'GB15618', NULL, site.band,
	       gb15618_at(s, site.band) * res.scale, gb15618_at(c, site.band) * res.scale
	  FROM res CROSS JOIN site
	  CROSS JOIN LATERAL gb15618_row(res.pollutant, site.land_type, 'screening') s
	  CROSS JOIN LATERAL gb15618_row(res.pollutant, site.land_type, 'control') c
	 WHERE site.standard = 'GB15618' AND site.band IS NOT NULL AND s.pollutant IS NOT NULL
), over AS (
	SELECT *, CASE WHEN value > intervention THEN 'intervention' ELSE 'screening' END AS level,
	       trim_scale(CASE WHEN value > intervention THEN intervention ELSE screening END) AS lim
	  FROM limits WHERE value > screening
)
SELECT jsonb_build_object(
	'exceedances', (SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
			'pollutant', pollutant, 'value', value, 'unit', unit, 'standard', standard,
			'land_class', land_class, 'ph_band', band, 'level', level, 'limit', lim,
			'ratio', trim_scale(round(value / lim, 4)))) ORDER BY pollutant COLLATE "C"), '[]')
			  FROM over),
	'unassessed', (SELECT coalesce(jsonb_agg(pollutant ORDER BY pollutant COLLATE "C"), '[]')
			 FROM res WHERE pollutant NOT IN (SELECT pollutant FROM limits)))
$$;

DROP FUNCTION sample_exceedances(jsonb);

CREATE OR REPLACE FUNCTION derived_fields(dataset text, data jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT CASE dataset WHEN 'soil-samples' THEN sample_derived(data) ELSE '{}'::jsonb END
$$;

-- Brings the derived fields of the live samples in `ids` up to date: a new version and a
-- change-feed entry for each whose fields change (publisher stays the sample's; key and
-- request are those of the write that caused it). Returns the ids that changed.
CREATE FUNCTION samples_refresh(ids text[], key_id text, request_id text) RETURNS text[]
LANGUAGE plpgsql
AS $$
DECLARE
	changed text[];
BEGIN
	WITH fresh AS (
		SELECT s.id, sample_derived(s.data) AS d FROM records s
		 WHERE s.dataset = 'soil-samples' AND s.id = ANY (ids) AND s.deleted_at IS NULL
	), upd AS (
		UPDATE records s SET data = s.data || f.d, version = s.version + 1, updated_at = now()
		  FROM fresh f
		 WHERE s.dataset = 'soil-samples' AND s.id = f.id
		   AND (s.data -> 'exceedances', s.data -> 'unassessed')
		       IS DISTINCT FROM (f.d -> 'exceedances', f.d -> 'unassessed')
		RETURNING s.*
	), logged AS (
		INSERT INTO changes (dataset, id, op, version, publisher, key_id, request_id,
				     changed_at, record, record_created_at)
		SELECT u.dataset, u.id, 'upsert', u.version, u.publisher, key_id, request_id,
		       u.updated_at, u.data, u.created_at FROM upd u
	)
	SELECT coalesce(array_agg(id), '{}') INTO changed FROM upd;
	RETURN changed;
END
$$;

-- After records of `ds` with `ids` were written or deleted (same transaction): brings the
-- samples of changed plots (land class) and farmland units (land type) up to date, then
-- checks every rule those records can affect.
CREATE OR REPLACE FUNCTION rules_evaluate(ds text, ids text[], key_id text, request_id text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	r rules;
	td text;
	candidates text[];
	keys text[] := ARRAY(SELECT ds || '/' || x FROM unnest(ids) x);
BEGIN
	IF ds IN ('plots', 'farmland-units') THEN
		PERFORM samples_refresh(ARRAY(
			SELECT s.id FROM records s
			 WHERE ds = 'plots' AND s.data ? 'plot_id' AND s.data ->> 'plot_id' = ANY (ids)
			   AND s.dataset = 'soil-samples' AND s.deleted_at IS NULL
			UNION ALL
			SELECT s.id FROM records s
			 WHERE ds = 'farmland-units' AND s.data ? 'farmland_unit_id'
			   AND s.data ->> 'farmland_unit_id' = ANY (ids)
			   AND s.dataset = 'soil-samples' AND s.deleted_at IS NULL),
			key_id, request_id);
	END IF;
	FOR r IN SELECT * FROM rules ORDER BY rule LOOP
		FOREACH td IN ARRAY r.trigger_datasets LOOP
			-- Each branch is its own indexed query: the written records themselves,
			-- records naming a written plot or farmland unit, the farmland unit a
			-- written sample names, and open findings citing a written record (it may
			-- have moved away since).
			candidates := ARRAY(
				SELECT x FROM unnest(ids) x WHERE ds = td
				UNION
				SELECT t.id FROM records t
				 WHERE ds = 'plots' AND t.data ? 'plot_id' AND t.data ->> 'plot_id' = ANY (ids)
				   AND t.dataset = td AND t.deleted_at IS NULL
				UNION
				SELECT t.id FROM records t
				 WHERE ds = 'farmland-units' AND t.data ? 'farmland_unit_id'
				   AND t.data ->> 'farmland_unit_id' = ANY (ids)
				   AND t.dataset = td AND t.deleted_at IS NULL
				UNION
				SELECT w.data ->> 'farmland_unit_id' FROM records w
				 WHERE td = 'farmland-units' AND w.dataset = ds AND w.id = ANY (ids)
				   AND w.data ? 'farmland_unit_id'
				UNION
				SELECT f.trigger_id FROM findings f
				 WHERE f.status = 'open' AND f.cited && keys AND f.rule = r.rule
				   AND f.trigger_dataset = td);
			PERFORM rules_check(r, td, candidates, key_id, request_id);
		END LOOP;
	END LOOP;
END
$$;

-- The records a sample finding cites: the sample and its site.
CREATE OR REPLACE FUNCTION sample_records(id text, data jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT jsonb_build_array(jsonb_build_object('dataset', 'soil-samples', 'id', id),
		CASE WHEN data ? 'plot_id'
		     THEN jsonb_build_object('dataset', 'plots', 'id', data ->> 'plot_id')
		     WHEN data ? 'supervised_unit_uscc'
		     THEN jsonb_build_object('dataset', 'supervised-units',
					     'id', data ->> 'supervised_unit_uscc')
		     ELSE jsonb_build_object('dataset', 'farmland-units',
					     'id', data ->> 'farmland_unit_id') END)
$$;

CREATE INDEX records_unit_link ON records ((data ->> 'supervised_unit_uscc'))
	WHERE data ? 'supervised_unit_uscc';

-- Reference changes. A row trigger notes what changed (pollutant codes, or that a land-use
-- mapping did) for the transaction; reference_apply() re-evaluates what depends on it: the
-- land class of every plot, then every sample that names a changed pollutant or whose plot
-- changed class, then the rules; and announces the change so that every server reloads its
-- reference data. It runs once per transaction, when its work is asked for
-- (reference_load) or else at commit (a deferred trigger).
CREATE FUNCTION reference_note() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
	noted text := coalesce(current_setting('soilshare.reference_changed', true), '');
	item text;
BEGIN
	IF TG_TABLE_NAME IN ('land_use_classes', 'land_use_codes') THEN
		item := '#land-use';
	ELSIF TG_OP = 'DELETE' THEN
		item := OLD.pollutant;
	ELSIF TG_OP = 'UPDATE' AND OLD.pollutant <> NEW.pollutant THEN
		item := OLD.pollutant || ',' || NEW.pollutant;
	ELSE
		item := NEW.pollutant;
	END IF;
	IF NOT item = ANY (string_to_array(noted, ',')) THEN
		PERFORM set_config('soilshare.reference_changed',
				   CASE WHEN noted = '' THEN item ELSE noted || ',' || item END, true);
	END IF;
	RETURN NULL;
END
$$;

CREATE FUNCTION reference_apply() RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
	noted text[] := string_to_array(
		nullif(coalesce(current_setting('soilshare.reference_changed', true), ''), ''), ',');
	everything boolean;
	land_use boolean;
	plots text[] := '{}';
	samples text[];
	open_before bigint;
BEGIN
	IF noted IS NULL THEN
		RETURN NULL;
	END IF;
	PERFORM set_config('soilshare.reference_changed', '', true);
	everything := '#all' = ANY (noted);
	land_use := everything OR '#land-use' = ANY (noted);
	SELECT count(*) INTO open_before FROM findings WHERE status = 'open';
	IF land_use THEN
		WITH fresh AS (
			SELECT p.id, coalesce(to_jsonb(land_class_of(p.data ->> 'planned_use')),
					      'null') AS cls
			  FROM records p WHERE p.dataset = 'plots' AND p.deleted_at IS NULL
		), upd AS (
			UPDATE records p SET data = p.data || jsonb_build_object('land_class', f.cls),
			       version = p.version + 1, updated_at = now()
			  FROM fresh f
			 WHERE p.dataset = 'plots' AND p.id = f.id
			   AND p.data -> 'land_class' IS DISTINCT FROM f.cls
			RETURNING p.*
		), logged AS (
			INSERT INTO changes (dataset, id, op, version, publisher, changed_at, record,
					     record_created_at)
			SELECT u.dataset, u.id, 'upsert', u.version, u.publisher, u.updated_at, u.data,
			       u.created_at FROM upd u
		)
		SELECT coalesce(array_agg(id), '{}') INTO plots FROM upd;
	END IF;
	samples := samples_refresh(ARRAY(
		SELECT s.id FROM records s
		 WHERE s.dataset = 'soil-samples' AND s.deleted_at IS NULL
		   AND (everything OR s.data ->> 'plot_id' = ANY (plots)
			OR EXISTS (SELECT 1 FROM jsonb_array_elements(s.data -> 'results') r
				    WHERE r ->> 'pollutant' = ANY (noted)))), NULL, NULL);
	IF land_use THEN
		-- The sensitive flags or classes may have changed for any trigger record.
		PERFORM rules_recheck_all();
	ELSE
		PERFORM rules_evaluate('soil-samples', samples, NULL, NULL);
	END IF;
	PERFORM pg_notify('soilshare_reference', '');
	RETURN jsonb_build_object('plots', cardinality(plots), 'samples', cardinality(samples),
		'open_findings_before', open_before,
		'open_findings_after', (SELECT count(*) FROM findings WHERE status = 'open'));
END
$$;

CREATE FUNCTION reference_apply_at_commit() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	PERFORM reference_apply();
	RETURN NULL;
END
$$;


-- Loads rows of one reference file into its table (SPEC §5: corrections as data): the rows
-- of the temporary table reference_input, whose columns are the file's header (all text),
-- replace or add the rows of the same key; rows the file does not name stay. Returns what
-- changed and what the re-evaluation did. `soilshare reference load` is its caller.
CREATE FUNCTION reference_load(kind text) RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
	total bigint;
	inserted bigint;
	updated bigint;
BEGIN
	EXECUTE 'SELECT count(*) FROM reference_input' INTO total;
	IF kind = 'gb36600' THEN
		WITH up AS (
			INSERT INTO gb36600_values AS g (tbl, no, pollutant, name_zh, cas,
				screening_class_i, screening_class_ii, intervention_class_i,
				intervention_class_ii, unit, note)
			SELECT i."table"::integer, i.no::integer, i.code, i.name_zh, nullif(i.cas, ''),
			       i.screening_class_i::numeric, i.screening_class_ii::numeric,
			       i.intervention_class_i::numeric, i.intervention_class_ii::numeric,
			       i.unit, nullif(i.note, '')
			  FROM reference_input i
			ON CONFLICT (pollutant) DO UPDATE SET tbl = EXCLUDED.tbl, no = EXCLUDED.no,
				name_zh = EXCLUDED.name_zh, cas = EXCLUDED.cas,
				screening_class_i = EXCLUDED.screening_class_i,
				screening_class_ii = EXCLUDED.screening_class_ii,
				intervention_class_i = EXCLUDED.intervention_class_i,
				intervention_class_ii = EXCLUDED.intervention_class_ii,
				unit = EXCLUDED.unit, note = EXCLUDED.note
			WHERE (g.*) IS DISTINCT FROM (EXCLUDED.*)
			RETURNING xmax = 0 AS new)
		SELECT count(*) FILTER (WHERE new), count(*) FILTER (WHERE NOT new)
		  INTO inserted, updated FROM up;
	ELSIF kind = 'gb15618' THEN
		WITH up AS (
			INSERT INTO gb15618_values AS f (tbl, pollutant, name_zh, land_type, value_kind,
				ph_le_5_5, ph_5_5_6_5, ph_6_5_7_5, ph_gt_7_5, unit, note)
			SELECT i."table"::integer, i.code, i.name_zh, i.land_type, i.value_kind,
			       i.ph_le_5_5::numeric, i.ph_5_5_6_5::numeric, i.ph_6_5_7_5::numeric,
			       i.ph_gt_7_5::numeric, i.unit, nullif(i.note, '')
			  FROM reference_input i
			ON CONFLICT (pollutant, land_type, value_kind) DO UPDATE SET tbl = EXCLUDED.tbl,
				name_zh = EXCLUDED.name_zh, ph_le_5_5 = EXCLUDED.ph_le_5_5,
				ph_5_5_6_5 = EXCLUDED.ph_5_5_6_5, ph_6_5_7_5 = EXCLUDED.ph_6_5_7_5,
				ph_gt_7_5 = EXCLUDED.ph_gt_7_5, unit = EXCLUDED.unit, note = EXCLUDED.note
			WHERE (f.*) IS DISTINCT FROM (EXCLUDED.*)
			RETURNING xmax = 0 AS new)
		SELECT count(*) FILTER (WHERE new), count(*) FILTER (WHERE NOT new)
		  INTO inserted, updated FROM up;
	ELSIF kind = 'land-use-yongdi-yonghai' THEN
		WITH up AS (
			INSERT INTO land_use_codes AS c (code, name_zh, gb36600_class, sensitive,
				gb50137_equivalent, note)
			SELECT i.code, i.name_zh, i.gb36600_class, i.sensitive::boolean,
			       nullif(i.gb50137_equivalent, ''), nullif(i.note, '')
			  FROM reference_input i
			ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh,
				gb36600_class = EXCLUDED.gb36600_class, sensitive = EXCLUDED.sensitive,
				gb50137_equivalent = EXCLUDED.gb50137_equivalent, note = EXCLUDED.note
			WHERE (c.*) IS DISTINCT FROM (EXCLUDED.*)
			RETURNING xmax = 0 AS new)
		SELECT count(*) FILTER (WHERE new), count(*) FILTER (WHERE NOT new)
		  INTO inserted, updated FROM up;
	ELSIF kind = 'land-use-classes' THEN
		WITH up AS (
			INSERT INTO land_use_classes AS c (code_prefix, name_zh, name_en, gb36600_class,
				sensitive, note)
			SELECT i.code_prefix, i.name_zh, i.name_en, i.gb36600_class, i.sensitive::boolean,
			       nullif(i.note, '')
			  FROM reference_input i
			ON CONFLICT (code_prefix) DO UPDATE SET name_zh = EXCLUDED.name_zh,
				name_en = EXCLUDED.name_en, gb36600_class = EXCLUDED.gb36600_class,
				sensitive = EXCLUDED.sensitive, note = EXCLUDED.note
			WHERE (c.*) IS DISTINCT FROM (EXCLUDED.*)
			RETURNING xmax = 0 AS new)
		SELECT count(*) FILTER (WHERE new), count(*) FILTER (WHERE NOT new)
		  INTO inserted, updated FROM up;
	ELSE
		RAISE EXCEPTION 'unknown reference table %', kind;
	END IF;
	RETURN jsonb_build_object('table', kind, 'rows', total, 'inserted', inserted,
		'updated', updated, 'unchanged', total - inserted - updated,
		'reevaluated', coalesce(reference_apply(), '{}'));
END
$$;

-- Every stored record meets the complete tables: samples gain `unassessed` and the values
-- GB 36600 and GB 15618 now give; plots' land classes and the rules follow.
SELECT set_config('soilshare.reference_changed', '#all', true);
SELECT reference_apply();

CREATE TRIGGER gb36600_noted AFTER INSERT OR UPDATE OR DELETE ON gb36600_values
	FOR EACH ROW EXECUTE FUNCTION reference_note();
CREATE TRIGGER gb15618_noted AFTER INSERT OR UPDATE OR DELETE ON gb15618_values
	FOR EACH ROW EXECUTE FUNCTION reference_note();
CREATE TRIGGER land_use_classes_noted AFTER INSERT OR UPDATE OR DELETE ON land_use_classes
	FOR EACH ROW EXECUTE FUNCTION reference_note();
CREATE TRIGGER land_use_codes_noted AFTER INSERT OR UPDATE OR DELETE ON land_use_codes
	FOR EACH ROW EXECUTE FUNCTION reference_note();
CREATE CONSTRAINT TRIGGER gb36600_applied AFTER INSERT OR UPDATE OR DELETE ON gb36600_values
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reference_apply_at_commit();
CREATE CONSTRAINT TRIGGER gb15618_applied AFTER INSERT OR UPDATE OR DELETE ON gb15618_values
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reference_apply_at_commit();
CREATE CONSTRAINT TRIGGER land_use_classes_applied
	AFTER INSERT OR UPDATE OR DELETE ON land_use_classes
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reference_apply_at_commit();
CREATE CONSTRAINT TRIGGER land_use_codes_applied AFTER INSERT OR UPDATE OR DELETE ON land_use_codes
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reference_apply_at_commit();
