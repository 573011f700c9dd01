-- upgrade 0001
CREATE TABLE alembic_version ( version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num) );
CREATE TABLE origins ( id INTEGER NOT NULL, uid BLOB NOT NULL, is_local BOOLEAN DEFAULT 0 NOT NULL, created_at BIGINT NOT NULL, CONSTRAINT pk_origins PRIMARY KEY (id), CONSTRAINT uq_origins_uid UNIQUE (uid) );
CREATE TABLE devices ( id INTEGER NOT NULL, uid BLOB NOT NULL, name VARCHAR(200) NOT NULL, serial_number VARCHAR(100), created_at BIGINT NOT NULL, CONSTRAINT pk_devices PRIMARY KEY (id), CONSTRAINT uq_devices_uid UNIQUE (uid) );
CREATE INDEX ix_devices_serial_number ON devices (serial_number);
CREATE TABLE readings ( id INTEGER NOT NULL, device_id INTEGER NOT NULL, recorded_at BIGINT NOT NULL, value FLOAT NOT NULL, unit VARCHAR(32), note TEXT, origin_id INTEGER, origin_seq INTEGER, CONSTRAINT ck_readings_origin_pair CHECK ((origin_id IS NULL) = (origin_seq IS NULL)), CONSTRAINT fk_readings_device_id_devices FOREIGN KEY(device_id) REFERENCES devices (id) ON DELETE RESTRICT, CONSTRAINT fk_readings_origin_id_origins FOREIGN KEY(origin_id) REFERENCES origins (id), CONSTRAINT pk_readings PRIMARY KEY (id) );
CREATE INDEX ix_readings_device_id_recorded_at ON readings (device_id, recorded_at);
CREATE UNIQUE INDEX uq_readings_origin_id_origin_seq ON readings (origin_id, origin_seq) WHERE origin_id IS NOT NULL;
INSERT INTO origins (uid, is_local, created_at) VALUES (?, ?, ?);
INSERT INTO alembic_version (version_num) VALUES ('0001') RETURNING version_num;
-- upgrade 0002
ALTER TABLE devices ADD COLUMN location VARCHAR(255);
UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0001';
-- upgrade 0003
CREATE TABLE _alembic_tmp_devices ( id INTEGER NOT NULL, uid BLOB NOT NULL, name VARCHAR(200) NOT NULL, serial_number VARCHAR(100), created_at BIGINT NOT NULL, location VARCHAR(255), device_type VARCHAR(100), manufacturer VARCHAR(100), model VARCHAR(100), default_unit VARCHAR(32), low_limit FLOAT, high_limit FLOAT, calibration_due DATE, status VARCHAR(16) DEFAULT 'active' NOT NULL, notes TEXT, archived_at BIGINT, updated_at BIGINT, CONSTRAINT pk_devices PRIMARY KEY (id), CONSTRAINT uq_devices_uid UNIQUE (uid) );
INSERT INTO _alembic_tmp_devices (id, uid, name, serial_number, created_at, location) SELECT devices.id, devices.uid, devices.name, devices.serial_number, devices.created_at, devices.location FROM devices;
DROP TABLE devices;
ALTER TABLE _alembic_tmp_devices RENAME TO devices;
CREATE INDEX ix_devices_serial_number ON devices (serial_number);
UPDATE devices SET updated_at = created_at;
CREATE TABLE _alembic_tmp_devices ( id INTEGER NOT NULL, uid BLOB NOT NULL, name VARCHAR(200) NOT NULL, serial_number VARCHAR(100), created_at BIGINT NOT NULL, location VARCHAR(255), device_type VARCHAR(100), manufacturer VARCHAR(100), model VARCHAR(100), default_unit VARCHAR(32), low_limit FLOAT, high_limit FLOAT, calibration_due DATE, status VARCHAR(16) DEFAULT 'active' NOT NULL, notes TEXT, archived_at BIGINT, updated_at BIGINT NOT NULL, CONSTRAINT ck_devices_limits_ordered CHECK (low_limit IS NULL OR high_limit IS NULL OR low_limit <= high_limit), CONSTRAINT ck_devices_status CHECK (status IN ('active', 'out_of_service', 'retired')), CONSTRAINT pk_devices PRIMARY KEY (id), CONSTRAINT uq_devices_uid UNIQUE (uid) );
INSERT INTO _alembic_tmp_devices (id, uid, name, serial_number, created_at, location, device_type, manufacturer, model, default_unit, low_limit, high_limit, calibration_due, status, notes, archived_at, updated_at) SELECT devices.id, devices.uid, devices.name, devices.serial_number, devices.created_at, devices.location, devices.device_type, devices.manufacturer, devices.model, devices.default_unit, devices.low_limit, devices.high_limit, devices.calibration_due, devices.status, devices.notes, devices.archived_at, devices.updated_at FROM devices;
DROP TABLE devices;
ALTER TABLE _alembic_tmp_devices RENAME TO devices;
CREATE INDEX ix_devices_serial_number ON devices (serial_number);
UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0002';
-- upgrade 0004
CREATE TABLE _alembic_tmp_readings ( id INTEGER NOT NULL, device_id INTEGER NOT NULL, recorded_at BIGINT NOT NULL, value FLOAT NOT NULL, unit VARCHAR(32), note TEXT, origin_id INTEGER, origin_seq INTEGER, operator VARCHAR(100), source SMALLINT DEFAULT 0 NOT NULL, created_at BIGINT, superseded BOOLEAN DEFAULT 0 NOT NULL, CONSTRAINT ck_readings_origin_pair CHECK ((origin_id IS NULL) = (origin_seq IS NULL)), CONSTRAINT fk_readings_device_id_devices FOREIGN KEY(device_id) REFERENCES devices (id) ON DELETE RESTRICT, CONSTRAINT fk_readings_origin_id_origins FOREIGN KEY(origin_id) REFERENCES origins (id), CONSTRAINT pk_readings PRIMARY KEY (id) );
INSERT INTO _alembic_tmp_readings (id, device_id, recorded_at, value, unit, note, origin_id, origin_seq) SELECT readings.id, readings.device_id, readings.recorded_at, readings.value, readings.unit, readings.note, readings.origin_id, readings.origin_seq FROM readings;
DROP TABLE readings;
ALTER TABLE _alembic_tmp_readings RENAME TO readings;
CREATE INDEX ix_readings_device_id_recorded_at ON readings (device_id, recorded_at);
CREATE UNIQUE INDEX uq_readings_origin_id_origin_seq ON readings (origin_id, origin_seq) WHERE origin_id IS NOT NULL;
UPDATE readings SET created_at = recorded_at;
UPDATE readings SET unit = COALESCE((SELECT d.default_unit FROM devices AS d WHERE d.id = readings.device_id), '') WHERE unit IS NULL;
DROP INDEX uq_readings_origin_id_origin_seq;
CREATE TABLE _alembic_tmp_readings ( id INTEGER NOT NULL, device_id INTEGER NOT NULL, recorded_at BIGINT NOT NULL, value FLOAT NOT NULL, unit VARCHAR(32) NOT NULL, note TEXT, origin_id INTEGER, origin_seq INTEGER, operator VARCHAR(100), source SMALLINT DEFAULT 0 NOT NULL, created_at BIGINT NOT NULL, superseded BOOLEAN DEFAULT 0 NOT NULL, corrects_id INTEGER, CONSTRAINT ck_readings_origin_pair CHECK ((origin_id IS NULL) = (origin_seq IS NULL)), CONSTRAINT ck_readings_source CHECK (source IN (0, 1)), CONSTRAINT fk_readings_corrects_id_readings FOREIGN KEY(corrects_id) REFERENCES readings (id), CONSTRAINT fk_readings_device_id_devices FOREIGN KEY(device_id) REFERENCES devices (id) ON DELETE RESTRICT, CONSTRAINT fk_readings_origin_id_origins FOREIGN KEY(origin_id) REFERENCES origins (id), CONSTRAINT pk_readings PRIMARY KEY (id) );
INSERT INTO _alembic_tmp_readings (id, device_id, recorded_at, value, unit, note, origin_id, origin_seq, operator, source, created_at, superseded) SELECT readings.id, readings.device_id, readings.recorded_at, readings.value, readings.unit, readings.note, readings.origin_id, readings.origin_seq, readings.operator, readings.source, readings.created_at, readings.superseded FROM readings;
DROP TABLE readings;
ALTER TABLE _alembic_tmp_readings RENAME TO readings;
CREATE INDEX ix_readings_corrects_id ON readings (corrects_id) WHERE corrects_id IS NOT NULL;
CREATE INDEX ix_readings_device_id_recorded_at ON readings (device_id, recorded_at);
CREATE UNIQUE INDEX uq_readings_origin_id_origin_seq ON readings (origin_id, origin_seq) WHERE origin_id IS NOT NULL;
UPDATE alembic_version SET version_num='0004' WHERE alembic_version.version_num = '0003';
-- upgrade 0005
CREATE TABLE import_batches ( id INTEGER NOT NULL, uid BLOB NOT NULL, file_name VARCHAR(255) NOT NULL, file_hash VARCHAR(64) NOT NULL, file_size BIGINT NOT NULL, format VARCHAR(32) NOT NULL, timezone VARCHAR(64), imported_at BIGINT NOT NULL, readings_added INTEGER NOT NULL, duplicates INTEGER NOT NULL, rejected INTEGER NOT NULL, devices_created INTEGER NOT NULL, undone_at BIGINT, CONSTRAINT pk_import_batches PRIMARY KEY (id), CONSTRAINT uq_import_batches_uid UNIQUE (uid) );
CREATE INDEX ix_import_batches_file_hash ON import_batches (file_hash);
ALTER TABLE readings ADD COLUMN batch_id INTEGER CONSTRAINT fk_readings_batch_id_import_batches REFERENCES import_batches (id);
ALTER TABLE devices ADD COLUMN batch_id INTEGER CONSTRAINT fk_devices_batch_id_import_batches REFERENCES import_batches (id);
CREATE INDEX ix_readings_batch_id ON readings (batch_id) WHERE batch_id IS NOT NULL;
UPDATE alembic_version SET version_num='0005' WHERE alembic_version.version_num = '0004';
-- upgrade 0006
ALTER TABLE import_batches ADD COLUMN first_reading_id INTEGER;
ALTER TABLE import_batches ADD COLUMN last_reading_id INTEGER;
UPDATE import_batches SET first_reading_id = (SELECT min(id) FROM readings WHERE batch_id = import_batches.id), last_reading_id = (SELECT max(id) FROM readings WHERE batch_id = import_batches.id);
DROP INDEX ix_readings_batch_id;
UPDATE alembic_version SET version_num='0006' WHERE alembic_version.version_num = '0005';
-- upgrade 0007
ALTER TABLE readings ADD COLUMN decimals SMALLINT;
UPDATE alembic_version SET version_num='0007' WHERE alembic_version.version_num = '0006';
-- upgrade 0008
UPDATE alembic_version SET version_num='0008' WHERE alembic_version.version_num = '0007';
-- upgrade 0009
ALTER TABLE devices ADD COLUMN calibration_interval_days INTEGER;
CREATE TABLE calibrations ( id INTEGER NOT NULL, uid BLOB NOT NULL, device_id INTEGER NOT NULL, performed_on DATE NOT NULL, performed_by VARCHAR(100), lab VARCHAR(200), certificate_number VARCHAR(100), reference_standard VARCHAR(200), as_found VARCHAR(16), as_found_values TEXT, as_left VARCHAR(16) NOT NULL, as_left_values TEXT, notes TEXT, next_due DATE, created_at BIGINT NOT NULL, CONSTRAINT ck_calibrations_as_found CHECK (as_found IN ('pass', 'fail', 'adjusted')), CONSTRAINT ck_calibrations_as_left CHECK (as_left IN ('pass', 'fail', 'adjusted')), CONSTRAINT fk_calibrations_device_id_devices FOREIGN KEY(device_id) REFERENCES devices (id) ON DELETE RESTRICT, CONSTRAINT pk_calibrations PRIMARY KEY (id), CONSTRAINT uq_calibrations_uid UNIQUE (uid) );
CREATE INDEX ix_calibrations_device_id_performed_on ON calibrations (device_id, performed_on);
CREATE TABLE calibration_files ( id INTEGER NOT NULL, calibration_id INTEGER NOT NULL, sha256 VARCHAR(64) NOT NULL, file_name VARCHAR(255) NOT NULL, size BIGINT NOT NULL, added_at BIGINT NOT NULL, CONSTRAINT fk_calibration_files_calibration_id_calibrations FOREIGN KEY(calibration_id) REFERENCES calibrations (id) ON DELETE RESTRICT, CONSTRAINT pk_calibration_files PRIMARY KEY (id), CONSTRAINT uq_calibration_files_calibration_id_sha256 UNIQUE (calibration_id, sha256) );
CREATE INDEX ix_calibration_files_sha256 ON calibration_files (sha256);
UPDATE alembic_version SET version_num='0009' WHERE alembic_version.version_num = '0008';
-- upgrade 0010
CREATE TABLE changes ( id INTEGER NOT NULL, uid BLOB NOT NULL, at BIGINT NOT NULL, who VARCHAR(100) NOT NULL, subject VARCHAR(16) NOT NULL, subject_id INTEGER NOT NULL, device_uid BLOB NOT NULL, action VARCHAR(16) NOT NULL, field VARCHAR(64), old_value TEXT, new_value TEXT, reason TEXT, CONSTRAINT ck_changes_action CHECK (action IN ('create', 'edit', 'archive', 'unarchive', 'delete', 'correct', 'withdraw', 'record')), CONSTRAINT ck_changes_subject CHECK (subject IN ('device', 'reading', 'calibration')), CONSTRAINT pk_changes PRIMARY KEY (id), CONSTRAINT uq_changes_uid UNIQUE (uid) );
CREATE INDEX ix_changes_device_uid_at ON changes (device_uid, at);
CREATE TRIGGER changes_no_update BEFORE UPDATE ON changes BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
UPDATE alembic_version SET version_num='0010' WHERE alembic_version.version_num = '0009';
-- upgrade 0011
CREATE TABLE server_users ( id INTEGER NOT NULL, name VARCHAR(100) NOT NULL, role VARCHAR(16) NOT NULL, created_at BIGINT NOT NULL, CONSTRAINT ck_server_users_role CHECK (role IN ('technician', 'supervisor', 'admin')), CONSTRAINT pk_server_users PRIMARY KEY (id), CONSTRAINT uq_server_users_name UNIQUE (name) );
CREATE TABLE server_laptops ( id INTEGER NOT NULL, user_id INTEGER NOT NULL, origin_id INTEGER NOT NULL, name VARCHAR(200) NOT NULL, token_hash VARCHAR(64) NOT NULL, enrolled_at BIGINT NOT NULL, last_seen_at BIGINT, revoked_at BIGINT, CONSTRAINT fk_server_laptops_origin_id_origins FOREIGN KEY(origin_id) REFERENCES origins (id) ON DELETE RESTRICT, CONSTRAINT fk_server_laptops_user_id_server_users FOREIGN KEY(user_id) REFERENCES server_users (id) ON DELETE RESTRICT, CONSTRAINT pk_server_laptops PRIMARY KEY (id), CONSTRAINT uq_server_laptops_token_hash UNIQUE (token_hash) );
CREATE UNIQUE INDEX uq_server_laptops_origin_id ON server_laptops (origin_id) WHERE revoked_at IS NULL;
CREATE TABLE server_enrolment_codes ( id INTEGER NOT NULL, user_id INTEGER NOT NULL, code_hash VARCHAR(64) NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT, laptop_id INTEGER, CONSTRAINT fk_server_enrolment_codes_laptop_id_server_laptops FOREIGN KEY(laptop_id) REFERENCES server_laptops (id), CONSTRAINT fk_server_enrolment_codes_user_id_server_users FOREIGN KEY(user_id) REFERENCES server_users (id) ON DELETE RESTRICT, CONSTRAINT pk_server_enrolment_codes PRIMARY KEY (id), CONSTRAINT uq_server_enrolment_codes_code_hash UNIQUE (code_hash) );
UPDATE alembic_version SET version_num='0011' WHERE alembic_version.version_num = '0010';
-- downgrade 0011
DROP TABLE server_enrolment_codes;
DROP INDEX uq_server_laptops_origin_id;
DROP TABLE server_laptops;
DROP TABLE server_users;
UPDATE alembic_version SET version_num='0010' WHERE alembic_version.version_num = '0011';
-- downgrade 0010
DROP INDEX ix_changes_device_uid_at;
DROP TABLE changes;
UPDATE alembic_version SET version_num='0009' WHERE alembic_version.version_num = '0010';
-- downgrade 0009
DROP INDEX ix_calibration_files_sha256;
DROP TABLE calibration_files;
DROP INDEX ix_calibrations_device_id_performed_on;
DROP TABLE calibrations;
ALTER TABLE devices DROP COLUMN calibration_interval_days;
UPDATE alembic_version SET version_num='0008' WHERE alembic_version.version_num = '0009';
-- downgrade 0008
UPDATE alembic_version SET version_num='0007' WHERE alembic_version.version_num = '0008';
-- downgrade 0007
ALTER TABLE readings DROP COLUMN decimals;
UPDATE alembic_version SET version_num='0006' WHERE alembic_version.version_num = '0007';
-- downgrade 0006
CREATE INDEX ix_readings_batch_id ON readings (batch_id) WHERE batch_id IS NOT NULL;
CREATE TABLE _alembic_tmp_import_batches ( id INTEGER NOT NULL, uid BLOB NOT NULL, file_name VARCHAR(255) NOT NULL, file_hash VARCHAR(64) NOT NULL, file_size BIGINT NOT NULL, format VARCHAR(32) NOT NULL, timezone VARCHAR(64), imported_at BIGINT NOT NULL, readings_added INTEGER NOT NULL, duplicates INTEGER NOT NULL, rejected INTEGER NOT NULL, devices_created INTEGER NOT NULL, undone_at BIGINT, CONSTRAINT pk_import_batches PRIMARY KEY (id), CONSTRAINT uq_import_batches_uid UNIQUE (uid) );
INSERT INTO _alembic_tmp_import_batches (id, uid, file_name, file_hash, file_size, format, timezone, imported_at, readings_added, duplicates, rejected, devices_created, undone_at) SELECT import_batches.id, import_batches.uid, import_batches.file_name, import_batches.file_hash, import_batches.file_size, import_batches.format, import_batches.timezone, import_batches.imported_at, import_batches.readings_added, import_batches.duplicates, import_batches.rejected, import_batches.devices_created, import_batches.undone_at FROM import_batches;
DROP TABLE import_batches;
ALTER TABLE _alembic_tmp_import_batches RENAME TO import_batches;
CREATE INDEX ix_import_batches_file_hash ON import_batches (file_hash);
UPDATE alembic_version SET version_num='0005' WHERE alembic_version.version_num = '0006';
-- downgrade 0005
DROP INDEX ix_readings_batch_id;
CREATE TABLE _alembic_tmp_readings ( id INTEGER NOT NULL, device_id INTEGER NOT NULL, recorded_at BIGINT NOT NULL, value FLOAT NOT NULL, unit VARCHAR(32) NOT NULL, note TEXT, origin_id INTEGER, origin_seq INTEGER, operator VARCHAR(100), source SMALLINT DEFAULT 0 NOT NULL, created_at BIGINT NOT NULL, superseded BOOLEAN DEFAULT 0 NOT NULL, corrects_id INTEGER, CONSTRAINT ck_readings_origin_pair CHECK ((origin_id IS NULL) = (origin_seq IS NULL)), CONSTRAINT ck_readings_source CHECK (source IN (0, 1)), CONSTRAINT fk_readings_corrects_id_readings FOREIGN KEY(corrects_id) REFERENCES readings (id), CONSTRAINT fk_readings_device_id_devices FOREIGN KEY(device_id) REFERENCES devices (id) ON DELETE RESTRICT, CONSTRAINT fk_readings_origin_id_origins FOREIGN KEY(origin_id) REFERENCES origins (id), CONSTRAINT pk_readings PRIMARY KEY (id) );
INSERT INTO _alembic_tmp_readings (id, device_id, recorded_at, value, unit, note, origin_id, origin_seq, operator, source, created_at, superseded, corrects_id) SELECT readings.id, readings.device_id, readings.recorded_at, readings.value, readings.unit, readings.note, readings.origin_id, readings.origin_seq, readings.operator, readings.source, readings.created_at, readings.superseded, readings.corrects_id FROM readings;
DROP TABLE readings;
ALTER TABLE _alembic_tmp_readings RENAME TO readings;
CREATE INDEX ix_readings_corrects_id ON readings (corrects_id) WHERE corrects_id IS NOT NULL;
CREATE INDEX ix_readings_device_id_recorded_at ON readings (device_id, recorded_at);
CREATE UNIQUE INDEX uq_readings_origin_id_origin_seq ON readings (origin_id, origin_seq) WHERE origin_id IS NOT NULL;
CREATE TABLE _alembic_tmp_devices ( id INTEGER NOT NULL, uid BLOB NOT NULL, name VARCHAR(200) NOT NULL, serial_number VARCHAR(100), created_at BIGINT NOT NULL, location VARCHAR(255), device_type VARCHAR(100), manufacturer VARCHAR(100), model VARCHAR(100), default_unit VARCHAR(32), low_limit FLOAT, high_limit FLOAT, calibration_due DATE, status VARCHAR(16) DEFAULT 'active' NOT NULL, notes TEXT, archived_at BIGINT, updated_at BIGINT NOT NULL, CONSTRAINT ck_devices_limits_ordered CHECK (low_limit IS NULL OR high_limit IS NULL OR low_limit <= high_limit), CONSTRAINT ck_devices_status CHECK (status IN ('active', 'out_of_service', 'retired')), CONSTRAINT pk_devices PRIMARY KEY (id), CONSTRAINT uq_devices_uid UNIQUE (uid) );
INSERT INTO _alembic_tmp_devices (id, uid, name, serial_number, created_at, location, device_type, manufacturer, model, default_unit, low_limit, high_limit, calibration_due, status, notes, archived_at, updated_at) SELECT devices.id, devices.uid, devices.name, devices.serial_number, devices.created_at, devices.location, devices.device_type, devices.manufacturer, devices.model, devices.default_unit, devices.low_limit, devices.high_limit, devices.calibration_due, devices.status, devices.notes, devices.archived_at, devices.updated_at FROM devices;
DROP TABLE devices;
ALTER TABLE _alembic_tmp_devices RENAME TO devices;
CREATE INDEX ix_devices_serial_number ON devices (serial_number);
DROP INDEX ix_import_batches_file_hash;
DROP TABLE import_batches;
UPDATE alembic_version SET version_num='0004' WHERE alembic_version.version_num = '0005';
-- downgrade 0004
DROP INDEX ix_readings_corrects_id;
DROP INDEX uq_readings_origin_id_origin_seq;
CREATE TABLE _alembic_tmp_readings ( id INTEGER NOT NULL, device_id INTEGER NOT NULL, recorded_at BIGINT NOT NULL, value FLOAT NOT NULL, unit VARCHAR(32), note TEXT, origin_id INTEGER, origin_seq INTEGER, CONSTRAINT ck_readings_origin_pair CHECK ((origin_id IS NULL) = (origin_seq IS NULL)), CONSTRAINT fk_readings_device_id_devices FOREIGN KEY(device_id) REFERENCES devices (id) ON DELETE RESTRICT, CONSTRAINT fk_readings_origin_id_origins FOREIGN KEY(origin_id) REFERENCES origins (id), CONSTRAINT pk_readings PRIMARY KEY (id) );
INSERT INTO _alembic_tmp_readings (id, device_id, recorded_at, value, unit, note, origin_id, origin_seq) SELECT readings.id, readings.device_id, readings.recorded_at, readings.value, readings.unit, readings.note, readings.origin_id, readings.origin_seq FROM readings;
DROP TABLE readings;
ALTER TABLE _alembic_tmp_readings RENAME TO readings;
CREATE INDEX ix_readings_device_id_recorded_at ON readings (device_id, recorded_at);
CREATE UNIQUE INDEX uq_readings_origin_id_origin_seq ON readings (origin_id, origin_seq) WHERE origin_id IS NOT NULL;
UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0004';
-- downgrade 0003
CREATE TABLE _alembic_tmp_devices ( id INTEGER NOT NULL, uid BLOB NOT NULL, name VARCHAR(200) NOT NULL, serial_number VARCHAR(100), created_at BIGINT NOT NULL, location VARCHAR(255), CONSTRAINT pk_devices PRIMARY KEY (id), CONSTRAINT uq_devices_uid UNIQUE (uid) );
INSERT INTO _alembic_tmp_devices (id, uid, name, serial_number, created_at, location) SELECT devices.id, devices.uid, devices.name, devices.serial_number, devices.created_at, devices.location FROM devices;
DROP TABLE devices;
ALTER TABLE _alembic_tmp_devices RENAME TO devices;
CREATE INDEX ix_devices_serial_number ON devices (serial_number);
UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0003';
-- downgrade 0002
CREATE TABLE _alembic_tmp_devices ( id INTEGER NOT NULL, uid BLOB NOT NULL, name VARCHAR(200) NOT NULL, serial_number VARCHAR(100), created_at BIGINT NOT NULL, CONSTRAINT pk_devices PRIMARY KEY (id), CONSTRAINT uq_devices_uid UNIQUE (uid) );
INSERT INTO _alembic_tmp_devices (id, uid, name, serial_number, created_at) SELECT devices.id, devices.uid, devices.name, devices.serial_number, devices.created_at FROM devices;
DROP TABLE devices;
ALTER TABLE _alembic_tmp_devices RENAME TO devices;
CREATE INDEX ix_devices_serial_number ON devices (serial_number);
UPDATE alembic_version SET version_num='0001' WHERE alembic_version.version_num = '0002';
-- downgrade 0001
DROP INDEX uq_readings_origin_id_origin_seq;
DROP INDEX ix_readings_device_id_recorded_at;
DROP TABLE readings;
DROP INDEX ix_devices_serial_number;
DROP TABLE devices;
DROP TABLE origins;
DELETE FROM alembic_version WHERE alembic_version.version_num = '0001';
